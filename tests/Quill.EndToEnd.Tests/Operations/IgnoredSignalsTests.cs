using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>
/// Started with its signals ignored (nohup ignores HUP; a shell without job control starts background jobs with INT
/// and QUIT ignored), quill still reloads on HUP and stops on INT, as pen does: pen installs its handlers over SIG_IGN.
/// </summary>
public sealed class IgnoredSignalsTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(10);

    /// <summary>Ignores HUP, INT, QUIT, USR1 and TERM, then execs the balancer (same pid).</summary>
    private static readonly string[] IgnoringLauncher =
    [
        "python3", "-c",
        "import os, signal, sys\nfor s in (1, 2, 3, 10, 15): signal.signal(s, signal.SIG_IGN)\nos.execv(sys.argv[1], sys.argv[1:])",
    ];

    [Fact]
    public async Task StartedWithSignalsIgnored_HupReloads_AndIntStops()
    {
        using var servers = NamedBackends.Start(2);
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await File.WriteAllTextAsync(file, $"server 0 address 127.0.0.1 port {servers[0].Port}\n");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-d", "-F", file, listen.Argument], launcher: IgnoringLauncher);
        await quill.WaitUntilListeningAsync(listen);

        await File.WriteAllTextAsync(file, $"server 0 address 127.0.0.1 port {servers[0].Port}\nserver 1 address 127.0.0.1 port {servers[1].Port}\n");
        quill.SendSignal(PosixNative.SigHup);
        Assert.True(await Eventually.TrueAsync(() => quill.StandardError.Contains("reload: ", StringComparison.Ordinal), Quickly),
            quill.StandardError);
        Assert.Contains($"reload: {file} applied", quill.StandardError, StringComparison.Ordinal);

        quill.SendSignal(PosixNative.SigInt);
        Assert.Equal(0, await quill.WaitForExitAsync(Quickly));
    }
}
