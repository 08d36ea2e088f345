using System.Net.Sockets;
using System.Text;
using Quill.Net.Connections;
using Quill.Net.Tests.Connections;
using Quill.Net.Tests.Streams;

namespace Quill.Net.Tests.Engine;

/// <summary>-H on the event-loop relay: the client's stream goes through the filter, bodies and replies untouched.</summary>
public sealed class RelayFilterTests
{
    private const string Forwarded = "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\n";

    [Fact]
    public async Task HttpHeaders_AddsForwardedHeadersToEachRequest_BodiesStayByteIdentical()
    {
        const int bodySize = 3 * 1024 * 1024;
        var first = RandomBytes(bodySize, seed: 4);
        var second = RandomBytes(bodySize, seed: 5);
        var reply = RandomBytes(bodySize, seed: 6);
        using var pairs = ProxiedPairs.Open(filters: new ForwardedForFilters());
        pairs.Settings.HttpHeaders = true;
        var (client, server) = await pairs.ConnectAsync();
        byte[] Head(string path) => Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {bodySize}\r\n\r\n");
        byte[] Rewritten(string path) =>
            Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {bodySize}\r\n{Forwarded}\r\n");
        byte[] sent = [.. Head("/a"), .. first, .. Head("/b"), .. second];
        byte[] expected = [.. Rewritten("/a"), .. first, .. Rewritten("/b"), .. second];

        var atServer = Loopback.ReadToEndAsync(server);
        var atClient = Loopback.ReadToEndAsync(client);
        await Loopback.SendAllAsync(client, sent, shutdown: true);
        await Loopback.SendAllAsync(server, reply, shutdown: true);

        var received = await atServer;
        var replied = await atClient;
        // Not Assert.Equal: a mismatch in 6 MB would print it all.
        Assert.True(expected.AsSpan().SequenceEqual(received), "the server did not get the rewritten stream");
        Assert.True(reply.AsSpan().SequenceEqual(replied), "the client did not get the reply as sent");
        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.Equal(new Traffic(expected.Length, reply.Length), pairs.Counted);
    }

    [Fact]
    public async Task HttpHeaders_IdleConnection_HoldsNoHeadBufferBetweenRequests()
    {
        var pool = new CountingPool();
        using var pairs = ProxiedPairs.Open(filters: new ForwardedForFilters(pool));
        pairs.Settings.HttpHeaders = true;
        var (client, server) = await pairs.ConnectAsync();

        // The head arrives in two pieces, so the filter must hold the first until the second comes.
        await Loopback.SendAllAsync(client, "GET / HTTP/1.1\r\nHo"u8.ToArray(), shutdown: false);
        Assert.True(await Eventually(() => pool.Peak == 1));
        await Loopback.SendAllAsync(client, "st: x\r\n\r\n"u8.ToArray(), shutdown: false);
        var expected = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: x\r\n{Forwarded}\r\n");
        var buffer = new byte[expected.Length];
        for (var got = 0; got < buffer.Length;)
            got += await server.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None).AsTask().WaitAsync(Loopback.Timeout);

        Assert.Equal(expected, buffer);
        Assert.True(await pool.AllReturnedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, pairs.Engine.ClosedCount);
    }

    [Fact]
    public async Task HttpHeadersOff_BytesPassUntouched()
    {
        using var pairs = ProxiedPairs.Open(filters: new ForwardedForFilters());
        var (client, server) = await pairs.ConnectAsync();

        await Loopback.SendAllAsync(client, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), shutdown: true);

        Assert.Equal("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), await Loopback.ReadToEndAsync(server));
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Loopback.Timeout;
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(10);
        return condition();
    }
}
