using System.Net;
using System.Text;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Connections;

/// <summary>Quill only: <c>idlers N</c> crashes pen 0.34.1 (its issue #51).</summary>
public sealed class IdlersTests
{
    private static async Task<string> AskAsync(EndPoint listen)
    {
        using var client = await LoopbackClient.ConnectAsync(listen);
        await client.SendAsync(Encoding.ASCII.GetBytes("hi\n"));
        return await LoopbackClient.ReadToEndAsync(client);
    }

    private static Task<string> IdlersAsync(ControlledBalancer balancer, string expected) =>
        Eventually.ValueAsync(() => balancer.AskAsync("idlers"), reply => reply == expected);

    [Fact]
    public async Task Idlers_ConnectInAdvance_ClientGetsOne_PoolRefills_ZeroClosesThem()
    {
        using var backend = new NumberingBackend();
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-o", "idlers 2"], backend.Spec);

        var ready = await IdlersAsync(balancer, "Idlers: 2/2\n");
        var acceptedBeforeClients = backend.Accepted;
        var reply = await AskAsync(balancer.Listen.Endpoint);
        var refilled = await IdlersAsync(balancer, "Idlers: 2/2\n");
        var refilledAccepted = await Eventually.ValueAsync(() => Task.FromResult(backend.Accepted), n => n == 3);
        Assert.Equal("", await balancer.AskAsync("idlers 0"));
        var trimmed = await IdlersAsync(balancer, "Idlers: 0/0\n");
        var stillOpen = await Eventually.ValueAsync(() => Task.FromResult(backend.Open), n => n == 0);

        Assert.Equal("Idlers: 2/2\n", ready);
        Assert.Equal(2, acceptedBeforeClients);
        Assert.Contains(reply, new[] { "conn 1", "conn 2" });
        Assert.Equal("Idlers: 2/2\n", refilled);
        Assert.Equal(3, refilledAccepted);
        Assert.Equal("Idlers: 0/0\n", trimmed);
        Assert.Equal(0, stillOpen);
    }

    [Fact]
    public async Task DeadIdler_IsDiscarded_ClientIsStillServed()
    {
        using var backend = new NumberingBackend();
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], backend.Spec);
        Assert.Equal("", await balancer.AskAsync("idlers 1"));
        Assert.Equal("Idlers: 1/1\n", await IdlersAsync(balancer, "Idlers: 1/1\n"));

        backend.DropWaiting();
        Assert.Equal(0, await Eventually.ValueAsync(() => Task.FromResult(backend.Open), n => n == 0));
        var reply = await AskAsync(balancer.Listen.Endpoint);

        // Never the dropped connection 1; whether the background refill or this client opened connection 2 first
        // is a race, so either 2 or 3 serves it.
        Assert.Contains(reply, new[] { "conn 2", "conn 3" });
        Assert.Equal("Idlers: 1/1\n", await IdlersAsync(balancer, "Idlers: 1/1\n"));
    }

    [Fact]
    public async Task ServerMoves_IdlersToTheOldAddressAreDropped_NewOnesGoToTheNewAddress()
    {
        using var old = new NumberingBackend();
        using var moved = new NumberingBackend();
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-o", "idlers 1"], old.Spec);
        Assert.Equal("Idlers: 1/1\n", await IdlersAsync(balancer, "Idlers: 1/1\n"));

        var port = moved.Spec.Split(':')[1];
        Assert.Equal("", await balancer.AskAsync($"server 0 address 127.0.0.1 port {port}"));
        var oldOpen = await Eventually.ValueAsync(() => Task.FromResult(old.Open), n => n == 0);
        var movedAccepted = await Eventually.ValueAsync(() => Task.FromResult(moved.Accepted), n => n == 1);

        Assert.Equal(0, oldOpen);
        Assert.Equal(1, movedAccepted);
        Assert.Equal("conn 1", await AskAsync(balancer.Listen.Endpoint));
    }

    [Fact]
    public async Task Write_KeepsIdlers()
    {
        using var backend = new NumberingBackend();
        using var files = new TempDirectory();
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-o", "idlers 3"], backend.Spec);

        Assert.Equal("", await balancer.AskAsync($"write {files.File("quill.cfg")}"));

        Assert.Contains("\nidlers 3\n", await File.ReadAllTextAsync(files.File("quill.cfg")));
    }
}
