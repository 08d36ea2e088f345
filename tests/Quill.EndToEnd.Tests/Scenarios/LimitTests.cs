using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

public sealed class LimitTests
{
    /// <summary>
    /// Server 1 is host:port:1:2 (soft 1, hard 2). Above the soft limit it takes only its returning clients, up
    /// to the hard limit; everyone else fails over to server 0. Every connection stays open so the counts hold.
    /// </summary>
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task SoftAndHardLimit_NewClientsGoElsewhere_ReturningClientAllowedUpToHard(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(2, holdOpen: true);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, [], servers.SpecsWith("", ":1:2"));
        var x = LoopbackClient.Source(2);
        var y = LoopbackClient.Source(3);
        var z = LoopbackClient.Source(4);

        using var held = new HeldConnections();

        Assert.Equal("s1", await held.OpenAsync(listen.Endpoint, x)); // first pick: server 1, now at its soft limit
        Assert.Equal("s0", await held.OpenAsync(listen.Endpoint, y)); // round robin moves on to server 0
        Assert.Equal("s0", await held.OpenAsync(listen.Endpoint, z)); // a new client: server 1 is full for it, fail over
        Assert.Equal("s1", await held.OpenAsync(listen.Endpoint, x)); // returning to server 1: allowed above soft, up to hard
        Assert.Equal("s0", await held.OpenAsync(listen.Endpoint, x)); // server 1 at its hard limit: even x goes elsewhere
        Assert.Equal(2, servers[1].Open);
    }

    /// <summary>With -x 2 a third client waits (not refused) and is served once one of the two closes.</summary>
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task ConnectionLimit_WaitingClientIsServedWhenASlotFrees(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(1, holdOpen: true);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-x", "2"], servers.Specs);

        using var first = await LoopbackClient.ConnectAsync(listen.Endpoint);
        Assert.Equal("s0", await LoopbackClient.ReadLineAsync(first));
        using var second = await LoopbackClient.ConnectAsync(listen.Endpoint);
        Assert.Equal("s0", await LoopbackClient.ReadLineAsync(second));

        using var third = await LoopbackClient.ConnectAsync(listen.Endpoint);
        var greeting = LoopbackClient.ReadLineAsync(third);
        var early = await Task.WhenAny(greeting, Task.Delay(TimeSpan.FromMilliseconds(800)));
        Assert.NotSame(greeting, early);
        Assert.Equal(2, servers[0].Accepted);

        first.Dispose();
        Assert.Equal("s0", await greeting);
        Assert.Equal(3, servers[0].Accepted);
    }
}
