using System.Diagnostics;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Security;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>
/// Debug lines on stderr (quill -f): pen's line on a terminal or a file, the severity first as "&lt;N&gt;" when
/// asked (stderr_format) or when stderr is the systemd journal's stream (JOURNAL_STREAM).
/// </summary>
public sealed class StderrFormatTests
{
    private const string Python = "/usr/bin/python3";

    [Theory]
    [InlineData("pen", @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: listening on ")]
    [InlineData("short", @"^<6>listening on ")]
    [InlineData("timed", @"^<6>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: listening on ")]
    public async Task StderrFormat_WritesTheLevelAsAsked(string format, string pattern)
    {
        using var servers = NamedBackends.Start(1);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-d", "-o", $"stderr_format {format}"], [.. servers.Specs]);

        var line = await Eventually.ValueAsync(() => Task.FromResult(ListeningLine(quill.StandardError)), found => found is not null);
        Assert.Matches(pattern, line);
    }

    [Fact]
    public async Task Failure_InShortFormat_IsOneErrorLine()
    {
        using var servers = NamedBackends.Start(1);
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-o", "stderr_format short", $"127.0.0.1:{port}", .. servers.Specs]);

        Assert.Equal(1, await quill.WaitForExitAsync());
        Assert.Matches(@"^<3>quill: .*address already in use", quill.StandardError.Trim());
    }

    /// <summary>
    /// The journal gives a service a stream socket as stderr and names it in JOURNAL_STREAM (device:inode); python
    /// stands in for systemd here, and reads what quill writes on that socket.
    /// </summary>
    [ToolFact(Python)]
    public async Task JournalStream_AsStderr_GetsTheShortFormat_WithoutBeingAsked()
    {
        using var servers = NamedBackends.Start(1);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        const string script = """
            import os, socket, subprocess, sys
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            st = os.fstat(theirs.fileno())
            env = dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
            quill = subprocess.Popen(sys.argv[1:], stderr=theirs, stdout=subprocess.DEVNULL, env=env)
            theirs.close()
            ours.settimeout(20)
            seen = b""
            try:
                while b"listening on" not in seen:
                    chunk = ours.recv(4096)
                    if not chunk: break
                    seen += chunk
            finally:
                quill.terminate()
                quill.wait()
            sys.stdout.write(seen.decode())
            """;
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-c", script, RepositoryLayout.QuillExecutable, "-f", "-d", listen.Argument, .. servers.Specs])
            start.ArgumentList.Add(argument);
        using var python = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await python.StandardOutput.ReadToEndAsync(limit.Token);
        await python.WaitForExitAsync(limit.Token);

        Assert.Matches("^<6>listening on ", ListeningLine(output) ?? $"no listening line in: {output}");
    }

    private static string? ListeningLine(string text) =>
        text.Split('\n').FirstOrDefault(line => line.Contains("listening on", StringComparison.Ordinal));
}
