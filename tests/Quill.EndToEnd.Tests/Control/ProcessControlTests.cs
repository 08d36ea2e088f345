using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Control;

public sealed class ProcessControlTests
{
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Exit_WithX_ClosesTheReplyThenExitsRemovingThePidFile(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        var pidFile = directory.File("balancer.pid");
        using var balancer = await ControlledBalancer.StartAsync(kind, ["-X", "-p", pidFile], servers.Specs);
        Assert.True(await Eventually.TrueAsync(() => File.Exists(pidFile)));

        Assert.Equal("", await balancer.AskAsync("exit"));

        Assert.Equal(0, await balancer.Process.WaitForExitAsync());
        Assert.False(File.Exists(pidFile));
    }

    [Fact]
    public async Task Exit_WithQuillctl_ReturnsOnceTheProcessHasLetGo()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-X"], servers.Specs);

        var result = await Penctl.RunQuillctlAsync(balancer.ControlText, "exit");

        Assert.Equal(new Penctl.Result(0, "", ""), result);
        Assert.Equal(0, await balancer.Process.WaitForExitAsync());
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Listen_MovesTheListenerLive(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(1, holdOpen: true);
        using var balancer = await ControlledBalancer.StartAsync(kind, [], servers.Specs);
        using var inFlight = new HeldConnections();
        Assert.Equal("s0", await inFlight.OpenAsync(balancer.Listen.Endpoint));
        var moved = ListenAddress.Loopback(FreePorts.Next());

        Assert.Equal(moved.Argument + "\n", await balancer.AskAsync($"listen {moved.Argument}"));

        Assert.Equal("s0", await new HeldConnections().OpenAsync(moved.Endpoint));
        Assert.True(await Eventually.TrueAsync(() => !ListeningSockets.IsListening(balancer.Listen.Endpoint)));
        Assert.Equal(moved.Argument + "\n", await balancer.AskAsync("listen"));
        // The connection made through the old listener carries on.
        var socket = inFlight.Sockets[0];
        await socket.SendAsync("ping"u8.ToArray());
        Assert.False(await LoopbackClient.IsClosedWithinAsync(socket, TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Listen_AddressInUse_IsRefusedAndTheOldListenerStays()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);

        var reply = await balancer.AskAsync($"listen {servers[0].Spec}");

        Assert.StartsWith($"listen: cannot listen on {servers[0].Spec}: ", reply);
        Assert.Equal("s0", await LoopbackClient.AskAsync(balancer.Listen.Endpoint));
    }

    [RootTheory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task RootWithoutUser_RefusesTheControlPortAndRunsOn(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(1);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        var control = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-C", $"127.0.0.1:{control.Port}"], servers.Specs);

        Assert.Equal("s0", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.False(ListeningSockets.IsListening(control));
        Assert.Contains("Won't open control port running as root; use -u to run as different user", balancer.StandardError, StringComparison.Ordinal);
    }
}
