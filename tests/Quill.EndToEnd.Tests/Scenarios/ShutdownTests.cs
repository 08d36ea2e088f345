using System.Diagnostics;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

public sealed class ShutdownTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(3);

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task SigTerm_WithOpenConnections_ClosesThemAndExitsZeroQuickly(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(1, holdOpen: true);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, [], servers.Specs);
        using var held = new HeldConnections();
        for (var i = 0; i < 10; i++)
            Assert.Equal("s0", await held.OpenAsync(listen.Endpoint));

        var clock = Stopwatch.StartNew();
        var exit = await balancer.StopAsync(Quickly);

        Assert.Equal(0, exit);
        Assert.True(clock.Elapsed < Quickly, $"took {clock.Elapsed}");
        foreach (var socket in held.Sockets)
            Assert.True(await LoopbackClient.IsClosedWithinAsync(socket, Quickly), "a client connection stayed open");
        Assert.False(ListeningSockets.IsListening(listen.Endpoint), "the listener is still open");
    }

    [Fact]
    public async Task SigInt_ExitsZero()
    {
        using var servers = NamedBackends.Start(1);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], servers.Specs);

        quill.SendSignal(PosixNative.SigInt);

        Assert.Equal(0, await quill.WaitForExitAsync(Quickly));
    }
}
