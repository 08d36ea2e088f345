using System.Diagnostics;
using Quill.Core.Configuration;
using Quill.Interop;

namespace Quill.Operations;

/// <summary>
/// Background mode without -f. .NET cannot fork safely, so the command starts the same executable again with a
/// marker in the environment and waits: the child makes its own session, drops the terminal and says "ready" on
/// its stdout once it listens; the command then exits 0. If the child fails first, its error lines (its stderr)
/// are shown and its exit status returned. Paths given on the command line are resolved against the starting
/// directory before the child leaves it for /.
/// </summary>
internal static class Daemon
{
    private const string Marker = "QUILL_DAEMON_CHILD";
    private const string ReadyLine = "quill-daemon-ready";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NoticeWait = TimeSpan.FromSeconds(1);

    /// <summary>True in the background process the command started.</summary>
    public static bool IsChild => Environment.GetEnvironmentVariable(Marker) == "1";

    /// <summary>The command's side: start the child and wait until it listens or fails.</summary>
    public static async Task<int> LaunchAsync(IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the quill executable"),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        // Started as "dotnet quill.dll": the child needs the assembly too.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet") start.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment[Marker] = "1";

        using var child = Process.Start(start) ?? throw new InvalidOperationException("cannot start the quill daemon");
        child.StandardInput.Close();
        var errors = child.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(StartLimit);
        var ready = false;
        try
        {
            while (await child.StandardOutput.ReadLineAsync(limit.Token).ConfigureAwait(false) is { } line)
            {
                if (line == ReadyLine)
                {
                    ready = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"quill: the daemon did not start listening within {StartLimit.TotalSeconds} seconds");
            return 1;
        }

        if (ready)
        {
            // Start-up notices; the child lets go of the pipe right after saying ready.
            if (await Task.WhenAny(errors, Task.Delay(NoticeWait)).ConfigureAwait(false) == errors)
                Console.Error.Write(await errors.ConfigureAwait(false));
            return 0;
        }

        Console.Error.Write(await errors.ConfigureAwait(false));
        await child.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        return child.ExitCode == 0 ? 1 : child.ExitCode;
    }

    /// <summary>The child's first step: its own session, no terminal input, debug output to syslog.</summary>
    public static void Detach()
    {
        // Fails only for a process-group leader, which a freshly started child is not.
        if (Libc.setsid() < 0) Console.Error.WriteLine($"quill: setsid failed: {Libc.LastError()}");
        RedirectToNull(0, Libc.ORdOnly);
        Syslog.Open();
    }

    /// <summary>
    /// Resolves the paths given on the command line against the starting directory, then leaves it for /. With -j
    /// the paths are inside the jail (as in pen) and stay as given, except the pid file, written before the chroot.
    /// </summary>
    public static QuillOptions ResolvePaths(QuillOptions options)
    {
        if (options.Jail is not null) return options with { PidFile = Full(options.PidFile) };
        var resolved = options with
        {
            PidFile = Full(options.PidFile),
            ConfigFile = Full(options.ConfigFile),
            WebStatsFile = Full(options.WebStatsFile),
            LogTarget = options.LogTarget is { } log && !Net.AccessLog.AccessLog.IsRemoteTarget(log) ? Full(log) : options.LogTarget,
        };
        return resolved;
    }

    /// <summary>The child is listening: tell the command, then let go of its pipes.</summary>
    public static void ReportReady()
    {
        if (!IsChild) return;
        // Settled before the command can return: it returns once the pipes close, so / comes first.
        Libc.chdir("/");
        Console.Out.WriteLine(ReadyLine);
        Console.Out.Flush();
        RedirectToNull(1, Libc.ORdWr);
        RedirectToNull(2, Libc.ORdWr);
    }

    private static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);

    /// <summary>
    /// Points <paramref name="fd"/> and every duplicate of it (Console keeps its own copies of 0, 1 and 2) at
    /// /dev/null, so the command's pipe really closes.
    /// </summary>
    private static void RedirectToNull(int fd, int flags)
    {
        var devNull = Libc.open("/dev/null", flags);
        if (devNull < 0) return;
        var target = LinkOf(fd);
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var other) && other != devNull && (other == fd || (target is not null && LinkOf(other) == target)))
                Libc.dup2(devNull, other);
        }

        Libc.close(devNull);
    }

    private static string? LinkOf(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
