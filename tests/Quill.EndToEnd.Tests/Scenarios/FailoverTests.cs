using System.Diagnostics;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

/// <summary>
/// What happens when a server does not answer. A refused port is quill-only: pen 0.34.1 closes the client
/// without failover or blacklisting there (its bug 1). A black-holed port times out, which pen handles correctly.
/// </summary>
public sealed class FailoverTests
{
    // Under -t 1 a retry of a black hole takes at least a second; anything clearly faster skipped it.
    private static readonly TimeSpan Blacklisted = TimeSpan.FromMilliseconds(950);

    [Fact]
    public async Task RefusedServer_IsBlacklistedAndEveryClientFailsOver()
    {
        using var alive = NamedBackend.OnLoopback("s0");
        var refused = $"127.0.0.1:{FreePorts.Next()}";
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-r", "-b", "30"], alive.Spec, refused);

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
            answers.Add(await LoopbackClient.AskAsync(listen.Endpoint));

        Assert.All(answers, answer => Assert.Equal("s0", answer));
        Assert.Equal(6, alive.Accepted);
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task BlackHoledServer_TimesOutThenIsSkippedWhileBlacklisted(BalancerKind kind)
    {
        using var alive = NamedBackend.OnLoopback("s0");
        using var hole = await BlackHole.OpenAsync();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-r", "-t", "1", "-b", "30"], alive.Spec, hole.Spec);

        // The first round-robin pick is server 1, the black hole: the connect times out after -t, then fails over.
        var clock = Stopwatch.StartNew();
        Assert.Equal("s0", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));

        for (var i = 0; i < 4; i++)
        {
            clock.Restart();
            Assert.Equal("s0", await LoopbackClient.AskAsync(listen.Endpoint));
            Assert.True(clock.Elapsed < Blacklisted, $"connection {i} took {clock.Elapsed}: the black hole was tried again");
        }
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Blacklist_ExpiresAfterB_ThenTheServerIsUsedAgain(BalancerKind kind)
    {
        using var alive = NamedBackend.OnLoopback("s0");
        var hole = await BlackHole.OpenAsync();
        var port = hole.Port;
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-r", "-t", "1", "-b", "2"], alive.Spec, hole.Spec);

        Assert.Equal("s0", await LoopbackClient.AskAsync(listen.Endpoint));
        var blacklistedAt = Stopwatch.StartNew();
        hole.Dispose();
        using var revived = NamedBackend.OnLoopback("s1", port);

        // Still blacklisted: round robin would reach server 1 in one of these two, but it is skipped.
        Assert.Equal("s0", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.Equal("s0", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.Equal(0, revived.Accepted);

        var comeback = TimeSpan.Zero;
        for (var attempt = 0; attempt < 60 && comeback == TimeSpan.Zero; attempt++)
        {
            if (await LoopbackClient.AskAsync(listen.Endpoint) == "s1")
                comeback = blacklistedAt.Elapsed;
            else
                await Task.Delay(100);
        }
        Assert.InRange(comeback, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task EmergencyServer_TakesClientsWhenEveryServerIsRefused()
    {
        using var emergency = NamedBackend.OnLoopback("emergency");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-r", "-e", emergency.Spec],
            $"127.0.0.1:{FreePorts.Next()}", $"127.0.0.1:{FreePorts.Next()}");

        for (var i = 0; i < 3; i++)
            Assert.Equal("emergency", await LoopbackClient.AskAsync(listen.Endpoint));
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task EmergencyServer_TakesClientsWhenEveryServerTimesOut(BalancerKind kind)
    {
        using var emergency = NamedBackend.OnLoopback("emergency");
        using var first = await BlackHole.OpenAsync();
        using var second = await BlackHole.OpenAsync();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-r", "-t", "1", "-e", emergency.Spec], first.Spec, second.Spec);

        Assert.Equal("emergency", await LoopbackClient.AskAsync(listen.Endpoint));
        // Both regular servers are blacklisted now: the next client goes straight to the emergency server.
        var clock = Stopwatch.StartNew();
        Assert.Equal("emergency", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.True(clock.Elapsed < Blacklisted, $"took {clock.Elapsed}");
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Stubborn_ClosesTheClientInsteadOfFailingOver(BalancerKind kind)
    {
        using var alive = NamedBackend.OnLoopback("s0");
        using var hole = await BlackHole.OpenAsync();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-s", "-r", "-t", "1"], alive.Spec, hole.Spec);

        Assert.Equal("", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.Equal(0, alive.Accepted);
    }

    [Fact]
    public async Task Stubborn_RefusedServer_ClosesTheClient()
    {
        using var alive = NamedBackend.OnLoopback("s0");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-s", "-r"],
            alive.Spec, $"127.0.0.1:{FreePorts.Next()}");

        var clock = Stopwatch.StartNew();
        Assert.Equal("", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Equal(0, alive.Accepted);
    }
}
