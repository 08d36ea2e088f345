using System.Net.Sockets;
using Quill.Net.Engine;
using Xunit.Abstractions;

namespace Quill.Net.Tests.Engine;

[CollectionDefinition(nameof(RelayAllocationTests), DisableParallelization = true)]
public sealed class RelayAllocationCollection;

/// <summary>
/// Runs alone, so that the process-wide allocation count and the engine's shared pipe pool reflect only this test's
/// connection. The numbers are written to the test output: they are the data path's allocation rate.
/// </summary>
[Collection(nameof(RelayAllocationTests))]
public sealed class RelayAllocationTests(ITestOutputHelper output)
{
    private const int MessageSize = 100;

    [Fact]
    public async Task Relay_RequestReplyOnOneConnection_AllocatesNothingPerMessage()
    {
        using var pairs = ProxiedPairs.Open();
        var (client, server) = await pairs.ConnectAsync();
        using var deadline = new CancellationTokenSource(Loopback.Timeout);
        var buffer = new byte[MessageSize];

        // Warm-up long enough for sockets, pools and tiered code to settle.
        await RoundTripsAsync(client, server, buffer, 3_000, deadline.Token);
        const int measured = 10_000;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await RoundTripsAsync(client, server, buffer, measured, deadline.Token);
        var perMessage = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / (2 * measured);

        output.WriteLine($"{perMessage:F1} bytes allocated per relayed message (the test's own sockets included)");
        Assert.True(perMessage < 16, $"{perMessage:F1} bytes allocated per relayed message");
        client.Shutdown(SocketShutdown.Send);
        server.Shutdown(SocketShutdown.Send);
        Assert.True(await pairs.Engine.WaitClosedAsync());
    }

    [Fact]
    public async Task Relay_IdleAfterABulkTransfer_HoldsNoPipe()
    {
        using var pairs = ProxiedPairs.Open();
        var (client, server) = await pairs.ConnectAsync();
        var bulk = new byte[4 * 1024 * 1024];

        // Bulk goes by splice through a pooled pipe; once it has all arrived the connection is idle.
        var sending = Loopback.SendAllAsync(client, bulk, shutdown: false);
        var received = new byte[64 * 1024];
        for (var got = 0L; got < bulk.Length;)
            got += await server.ReceiveAsync(received, SocketFlags.None).WaitAsync(Loopback.Timeout);
        await sending;

        // The pipe goes back on the loop thread right after its last splice out: a bounded wait.
        var until = DateTime.UtcNow + Loopback.Timeout;
        while (RelayEngine.Pipes.Rented != 0 && DateTime.UtcNow < until) await Task.Delay(10);
        Assert.Equal(0, RelayEngine.Pipes.Rented);
        Assert.Equal(0, pairs.Engine.ClosedCount);
    }

    private static async Task RoundTripsAsync(Socket client, Socket server, byte[] buffer, int count, CancellationToken deadline)
    {
        // Receives inlined and no return to xunit's synchronization context: both would allocate per message and hide the relay's.
        for (var i = 0; i < count; i++)
        {
            await client.SendAsync(buffer.AsMemory(), SocketFlags.None, deadline).ConfigureAwait(false);
            for (var received = 0; received < buffer.Length;)
                received += Positive(await server.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, deadline).ConfigureAwait(false));
            await server.SendAsync(buffer.AsMemory(), SocketFlags.None, deadline).ConfigureAwait(false);
            for (var received = 0; received < buffer.Length;)
                received += Positive(await client.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, deadline).ConfigureAwait(false));
        }
    }

    private static int Positive(int received) =>
        received > 0 ? received : throw new InvalidOperationException("EOF in the middle of a round trip");
}
