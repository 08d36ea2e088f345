using System.Diagnostics;
using System.Globalization;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>
/// sd_notify as systemd sees it: quill in the foreground with NOTIFY_SOCKET pointing at a datagram socket this test
/// listens on (a file path, or an abstract name), the way a Type=notify unit runs it.
/// </summary>
public sealed class SystemdNotifyTests
{
    private const int SigHup = 1;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadyOnlyOnceThePortAccepts_HupIsReloadingThenReady_TermIsStopping()
    {
        using var servers = NamedBackends.Start(2);
        using var directory = new TempDirectory();
        using var notify = NotifySocket.AtPath(directory.File("notify"));
        var config = directory.File("quill.cfg");
        var ports = servers.Specs.Select(spec => spec.Split(':')[1]).ToArray();
        File.WriteAllText(config, $"server 0 address 127.0.0.1 port {ports[0]}\n");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-r", "-F", config, listen.Argument],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Name });

        var ready = await notify.ExpectAsync(Limit);
        // Connect at once: READY=1 must not come before the listener does.
        Assert.Equal("s0", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.Equal("1", ready["READY"]);
        Assert.Equal($"listening on {listen.Argument} with 1 servers", ready["STATUS"]);

        File.WriteAllText(config, $"server 0 address 127.0.0.1 port {ports[0]}\nserver 1 address 127.0.0.1 port {ports[1]}\n");
        var hupAt = MonotonicMicroseconds();
        quill.SendSignal(SigHup);
        var reloading = await notify.ExpectAsync(Limit);
        var reloaded = await notify.ExpectAsync(Limit);

        Assert.Equal("1", reloading["RELOADING"]);
        var monotonic = long.Parse(reloading["MONOTONIC_USEC"], CultureInfo.InvariantCulture);
        Assert.InRange(monotonic, hupAt, MonotonicMicroseconds());
        Assert.Equal("1", reloaded["READY"]);
        Assert.Equal($"listening on {listen.Argument} with 2 servers", reloaded["STATUS"]);

        quill.SendSignal(PosixNative.SigTerm);
        var stopping = await notify.ExpectAsync(Limit);
        Assert.Equal("1", stopping["STOPPING"]);
        Assert.StartsWith("stopping", stopping["STATUS"], StringComparison.Ordinal);
        Assert.Equal(0, await quill.WaitForExitAsync(Limit));
    }

    [Fact]
    public async Task AbstractSocketName_WithWatchdog_PingsAtHalfTheInterval()
    {
        using var servers = NamedBackends.Start(1);
        using var notify = NotifySocket.Abstract();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        // Started before the process: a ping is received after it was sent, so however late this test reads the
        // socket, three pings cannot arrive sooner than three half-intervals would allow (the first may come at once).
        var clock = Stopwatch.StartNew();
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", listen.Argument, .. servers.Specs],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Name, ["WATCHDOG_USEC"] = "400000" });

        Assert.Equal("1", (await notify.ExpectAsync(Limit))["READY"]);
        for (var i = 0; i < 3; i++)
            Assert.Equal("1", (await notify.ExpectAsync(Limit))["WATCHDOG"]);

        // Three pings at 200 ms each: well under the 400 ms interval times three, and not flooding.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        Assert.Equal(0, await quill.StopAsync(Limit));
    }

    [Fact]
    public async Task WatchdogPidOfAnotherProcess_NoPings()
    {
        using var servers = NamedBackends.Start(1);
        using var notify = NotifySocket.Abstract();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", listen.Argument, .. servers.Specs],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Name, ["WATCHDOG_USEC"] = "100000", ["WATCHDOG_PID"] = "1" });

        Assert.Equal("1", (await notify.ExpectAsync(Limit))["READY"]);

        // Ten intervals with no ping: the watchdog was meant for another process.
        Assert.Null(await notify.ReceiveAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(0, await quill.StopAsync(Limit));
        Assert.Equal("1", (await notify.ExpectAsync(Limit))["STOPPING"]);
    }

    /// <summary>CLOCK_MONOTONIC in microseconds, the clock systemd compares MONOTONIC_USEC with (Stopwatch reads it on Linux).</summary>
    private static long MonotonicMicroseconds() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);
}
