using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Udp;

namespace Quill.EndToEnd.Tests.Control;

/// <summary>The atomic reload of the -F file, by HUP and by the reload command.</summary>
public sealed class ReloadTests
{
    private const int SigHup = 1;

    /// <summary>A UDP quill re-reads -F on HUP as a TCP one does (it used to reopen only the access log).</summary>
    [Fact]
    public async Task SigHup_UdpBalancer_ReloadsTheFile()
    {
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await File.WriteAllTextAsync(file, "server 0 address 127.0.0.1 port 5301\n");
        var port = FreePorts.Next();
        using var balancer = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-d", "-U", "-F", file, $"127.0.0.1:{port}"]);
        await BoundUdpPorts.WaitAsync(port, () => balancer.HasExited, "quill");

        await File.WriteAllTextAsync(file, "server 0 address 127.0.0.1 port 5301\nserver 1 address 127.0.0.1 port 5302\n");
        balancer.SendSignal(SigHup);

        Assert.True(await Eventually.TrueAsync(() => balancer.StandardError.Contains($"reload: {file} applied", StringComparison.Ordinal)),
            balancer.StandardError);
    }

    [Fact]
    public async Task SigHup_BadThirdLine_ChangesNothing_AndNamesFileAndLine()
    {
        using var servers = NamedBackends.Start(2);
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await File.WriteAllTextAsync(file, $"roundrobin\nserver 0 address 127.0.0.1 port {servers[0].Port}\n");
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-F", file]);
        var serversBefore = await balancer.AskAsync("servers");
        var modeBefore = await balancer.AskAsync("mode");

        // Lines 1, 2 and 4 are good and would change the mode and add a server, were they applied.
        await File.WriteAllTextAsync(file,
            $"hash\nserver 1 address 127.0.0.1 port {servers[1].Port}\nserver 0 max lots\nblacklist 9\n");
        balancer.Process.SendSignal(SigHup);

        Assert.True(await Eventually.TrueAsync(() => balancer.Process.StandardError.Contains("nothing changed", StringComparison.Ordinal)),
            balancer.Process.StandardError);
        Assert.Contains($"{file}:3: server 0 max: invalid number 'lots'", balancer.Process.StandardError, StringComparison.Ordinal);
        Assert.Equal(serversBefore, await balancer.AskAsync("servers"));
        Assert.Equal(modeBefore, await balancer.AskAsync("mode"));
        Assert.Equal("30\n", await balancer.AskAsync("blacklist"));

        Assert.Equal(
            $"{file}:3: server 0 max: invalid number 'lots'\nreload: 1 error(s) in {file}, nothing changed\n",
            await balancer.AskAsync("reload"));
        Assert.Equal(serversBefore, await balancer.AskAsync("servers"));
    }

    [Fact]
    public async Task Reload_ServerLeftOutOfTheFile_GetsNoNewClients_WhileItsHeldConnectionGoesOn()
    {
        using var servers = NamedBackends.Start(2, holdOpen: true);
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await File.WriteAllTextAsync(file, $"""
            roundrobin
            server 0 address 127.0.0.1 port {servers[0].Port}
            server 1 address 127.0.0.1 port {servers[1].Port}

            """);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-F", file]);
        using var held = new HeldConnections();
        var greetings = new[] { await held.OpenAsync(balancer.Listen.Endpoint), await held.OpenAsync(balancer.Listen.Endpoint) };
        var onServer1 = held.Sockets[Array.IndexOf(greetings, "s1")];

        await File.WriteAllTextAsync(file, $"roundrobin\nserver 0 address 127.0.0.1 port {servers[0].Port}\nblacklist 7\n");
        Assert.Equal($"reload: {file} applied, servers removed: 1\n", await balancer.AskAsync("reload"));

        Assert.Equal("7\n", await balancer.AskAsync("blacklist"));
        using (var fresh = new HeldConnections())
        {
            for (var i = 0; i < 4; i++)
                Assert.Equal("s0", await fresh.OpenAsync(balancer.Listen.Endpoint));
        }

        // The removed server's connection still relays both ways, and its slot stays until that connection ends.
        await onServer1.SendAsync(Encoding.ASCII.GetBytes("still here\n"), SocketFlags.None);
        Assert.Equal("still here", await LoopbackClient.ReadLineAsync(onServer1));
        Assert.Contains($"1 addr 127.0.0.1 port {servers[1].Port} conn 1 ", await balancer.AskAsync("servers"), StringComparison.Ordinal);

        onServer1.Shutdown(SocketShutdown.Send);
        var listed = await Eventually.ValueAsync(() => balancer.AskAsync("servers"),
            r => r.Contains("\n1 addr 0.0.0.0 port 0 ", StringComparison.Ordinal));
        Assert.Contains("\n1 addr 0.0.0.0 port 0 conn 0 ", listed, StringComparison.Ordinal);
        Assert.Equal(1, servers[1].Accepted);
    }

    [Fact]
    public async Task Reload_ListenLine_KeepsTheOpenListener_OrMovesIt()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        var first = ListenAddress.Loopback(FreePorts.Next());
        var second = ListenAddress.Loopback(FreePorts.Next());
        var control = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, FreePorts.Next());
        await File.WriteAllTextAsync(file, $"listen {first.Argument}\nserver 0 address 127.0.0.1 port {servers[0].Port}\n");
        using var balancer = BalancerProcess.Launch(BalancerKind.Quill,
            ["-f", .. ControlledBalancer.AsRootOptions, "-C", $"127.0.0.1:{control.Port}", "-F", file]);
        await balancer.WaitUntilListeningAsync(first);
        // The file's listen line opens the listener before the control port opens.
        await balancer.WaitUntilListeningAsync(control);

        // The same listen line again: the socket already open stays (a second bind would fail the reload).
        Assert.Equal($"reload: {file} applied\n", await Penctl.AskAsync(control, "reload"));
        Assert.Equal("s0", await LoopbackClient.AskAsync(first.Endpoint));

        await File.WriteAllTextAsync(file, $"listen {second.Argument}\nserver 0 address 127.0.0.1 port {servers[0].Port}\n");
        Assert.Equal($"reload: {file} applied\n", await Penctl.AskAsync(control, "reload"));
        await balancer.WaitUntilListeningAsync(second);
        Assert.Equal("s0", await LoopbackClient.AskAsync(second.Endpoint));
    }
}
