using System.Diagnostics;
using System.Globalization;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>Daemon mode, pidfile, TERM, and the privilege drop, checked from /proc.</summary>
public sealed class ProcessTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task WithoutForeground_CommandReturnsOnceListening_DaemonDetachedAndStoppedByPidfile()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        var listen = ListenAddress.Loopback(FreePorts.Next());

        // Relative paths, resolved against the directory quill was started in.
        var (exit, _, error) = await RunCommandAsync(RepositoryLayout.QuillExecutable, directory.Path,
            ["-p", "quill.pid", "-l", "access.log", listen.Argument, .. servers.Specs]);

        Assert.True(exit == 0, error);
        Assert.True(ListeningSockets.IsListening(listen.Endpoint), "the command returned before the daemon listened");
        var pid = int.Parse(File.ReadAllText(directory.File("quill.pid")), CultureInfo.InvariantCulture);
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), fields[3]); // session id: its own session
            Assert.Equal("0", fields[4]); // no controlling terminal
            Assert.Equal("/", new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget);
            foreach (var fd in new[] { 0, 1, 2 })
                Assert.Equal("/dev/null", new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget);

            Assert.Equal("s0", await SayAsync(listen.Endpoint, LoopbackClient.Source(5)));
            var lines = await Eventually.LinesAsync(directory.File("access.log"), 1);
            Assert.StartsWith("127.0.0.5 ", Assert.Single(lines), StringComparison.Ordinal);
        }
        finally
        {
            PosixNative.SendSignal(pid, PosixNative.SigTerm);
        }

        Assert.True(await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{pid}"), Quickly), "the daemon did not stop on TERM");
        Assert.False(File.Exists(directory.File("quill.pid")), "the pidfile outlived the daemon");
    }

    [Fact]
    public async Task WithoutForeground_PortInUse_CommandFailsWithTheDaemonsError()
    {
        using var servers = NamedBackends.Start(1);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var first = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], servers.Specs);

        var (exit, _, error) = await RunCommandAsync(RepositoryLayout.QuillExecutable, Path.GetTempPath(), [listen.Argument, .. servers.Specs]);

        Assert.NotEqual(0, exit);
        Assert.Contains("address already in use", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigTerm_WithOpenConnections_ExitsZeroWithinASecond_PidfileRemoved()
    {
        using var servers = NamedBackends.Start(1, holdOpen: true);
        using var directory = new TempDirectory();
        var pidFile = directory.File("quill.pid");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-p", pidFile, "-l", directory.File("access.log")], servers.Specs);
        using var held = new HeldConnections();
        for (var i = 0; i < 5; i++)
            Assert.Equal("s0", await held.OpenAsync(listen.Endpoint));
        Assert.Equal(quill.Pid.ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile));

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await quill.StopAsync(Quickly));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.False(File.Exists(pidFile));
    }

    [RootFact]
    public async Task UserNobody_RunsAsNobodyAfterOpeningTheSockets()
    {
        using var servers = NamedBackends.Start(1);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await StartAsync(listen, ["-u", "nobody"], servers);

        AssertEveryThreadIsNobodyWithoutCapabilities(quill.Pid);
        Assert.Equal("s0", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.Equal(0, await quill.StopAsync(Quickly));
    }

    [RootFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Chroot_WithUser_RootIsTheJailAndLogIsInside()
    {
        using var servers = NamedBackends.Start(1);
        using var jail = new TempDirectory();
        File.SetUnixFileMode(jail.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await StartAsync(listen, ["-j", jail.Path, "-u", "nobody", "-l", "/access.log"], servers);

        Assert.Equal(jail.Path, new DirectoryInfo($"/proc/{quill.Pid}/root").LinkTarget);
        AssertEveryThreadIsNobodyWithoutCapabilities(quill.Pid);
        Assert.Equal("s0", await SayAsync(listen.Endpoint, LoopbackClient.Source(6)));
        Assert.StartsWith("127.0.0.6 ", Assert.Single(await Eventually.LinesAsync(jail.File("access.log"), 1)), StringComparison.Ordinal);
        Assert.Equal(0, await quill.StopAsync(Quickly));
    }

    [Theory]
    [InlineData("-u", "no-such-user-quill", "unknown user 'no-such-user-quill'")]
    [InlineData("-j", "/no/such/jail", "chroot directory '/no/such/jail' does not exist")]
    [InlineData("-p", "/no/such/dir/quill.pid", "cannot write pid file '/no/such/dir/quill.pid': ")]
    [InlineData("-l", "/no/such/dir/quill.log", "cannot open access log '/no/such/dir/quill.log': ")]
    public async Task UnusableUserJailPidfileOrLog_OneLineErrorNonZeroExit_NotListening(string option, string value, string message)
    {
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", option, value, listen.Argument, "127.0.0.1:9"]);

        var exit = await quill.WaitForExitAsync(Quickly);

        Assert.NotEqual(0, exit);
        Assert.StartsWith($"quill: {message}", quill.StandardError, StringComparison.Ordinal);
        Assert.Single(quill.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(ListeningSockets.IsListening(listen.Endpoint));
    }

    /// <summary>Sends a line first, so the access log has a request to record, then reads the greeting.</summary>
    private static async Task<string> SayAsync(System.Net.EndPoint endpoint, System.Net.IPAddress source)
    {
        using var socket = await LoopbackClient.ConnectAsync(endpoint, source);
        await socket.SendAsync("HELLO quill\r\n"u8.ToArray(), System.Net.Sockets.SocketFlags.None);
        return await LoopbackClient.ReadToEndAsync(socket);
    }

    /// <summary>Starts quill as root and waits for its privilege drop, which follows the listener (pen's order): the
    /// port can be up a moment before the user changes.</summary>
    private static async Task<BalancerProcess> StartAsync(ListenAddress listen, string[] options, NamedBackends servers)
    {
        var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, options, servers.Specs);
        var dropped = await Eventually.TrueAsync(() => Directory.GetDirectories($"/proc/{quill.Pid}/task")
            .All(thread => Ids(File.ReadAllLines(Path.Combine(thread, "status")), "Uid:") != "0 0 0 0"));
        Assert.True(dropped, $"{quill.Pid} still runs as root");
        return quill;
    }

    /// <summary>Real, effective, saved and filesystem ids, on every thread (the runtime's too: a thread left as root
    /// would be a way back); the supplementary groups are only nobody's own; no capability left but the bounding set.</summary>
    private static void AssertEveryThreadIsNobodyWithoutCapabilities(int pid)
    {
        var threads = Directory.GetDirectories($"/proc/{pid}/task");
        Assert.NotEmpty(threads);
        foreach (var thread in threads)
        {
            var status = File.ReadAllLines(Path.Combine(thread, "status"));
            Assert.Equal((thread, "65534 65534 65534 65534"), (thread, Ids(status, "Uid:")));
            Assert.Equal((thread, "65534 65534 65534 65534"), (thread, Ids(status, "Gid:")));
            Assert.Equal((thread, "65534"), (thread, Ids(status, "Groups:")));
            foreach (var set in new[] { "CapInh:", "CapPrm:", "CapEff:", "CapAmb:" })
                Assert.Equal((thread, set, "0000000000000000"), (thread, set, Ids(status, set)));
        }
    }

    private static string Ids(string[] status, string key) =>
        string.Join(' ', status.Single(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..]
            .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Runs a command to completion in a directory, bounded in time (20 s unless told).</summary>
    internal static async Task<(int Exit, string Output, string Error)> RunCommandAsync(
        string executable, string directory, IEnumerable<string> arguments, string? input = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', start.ArgumentList)} did not finish");
        }

        return (process.ExitCode, await output, await error);
    }
}
