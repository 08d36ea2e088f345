using System.Diagnostics;
using System.Net.Sockets;
using Quill.Net.Connections;

namespace Quill.Net.Tests.Engine;

/// <summary>
/// What quill still does for a connection whose bytes the kernel relays (BPF sockmap): pass on each half-close, keep
/// the live counters, close it when idle. The clock is the real one: the kernel's own says when bytes last came.
/// </summary>
public sealed class SockmapRelayTests
{
    private static async Task ExchangeAsync(Socket from, Socket to, byte[] message)
    {
        await from.SendAsync(message);
        var received = new byte[message.Length];
        for (var got = 0; got < received.Length;)
        {
            var n = await to.ReceiveAsync(received.AsMemory(got)).AsTask().WaitAsync(Loopback.Timeout);
            Assert.True(n > 0, "closed before the message arrived");
            got += n;
        }
        Assert.Equal(message, received);
    }

    [Fact]
    public async Task Sockmap_HalfClosesBothWays_PassedOnAndCountedExactly()
    {
        using var pairs = ProxiedPairs.Open(sockmap: true);
        var (client, server) = await pairs.ConnectAsync();
        await ExchangeAsync(client, server, "hello"u8.ToArray());
        await ExchangeAsync(server, client, "world!"u8.ToArray());
        Assert.Equal(1, pairs.Engine.Servers.Services.Counters.SockmapConnections);

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));
        await ExchangeAsync(server, client, "after your EOF"u8.ToArray());
        server.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await client.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));

        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.Equal(new Traffic(5, 6 + 14), pairs.Counted);
        Assert.Empty(pairs.Engine.Errors);
    }

    [Fact]
    public async Task Sockmap_OpenConnection_CountersFollowWithinSeconds()
    {
        using var pairs = ProxiedPairs.Open(sockmap: true);
        var (client, server) = await pairs.ConnectAsync();
        var bulk = new byte[300_000];
        new Random(7).NextBytes(bulk);

        await ExchangeAsync(client, server, bulk);
        await ExchangeAsync(server, client, "ok"u8.ToArray());

        // Read from the kernel once a second; reported as the traffic sweep would, once a second.
        var waited = Stopwatch.StartNew();
        while (pairs.Counted != new Traffic(bulk.Length, 2) && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
            pairs.Engine.Servers.Registry.ReportTraffic();
        }
        Assert.Equal(new Traffic(bulk.Length, 2), pairs.Counted);
        Assert.Equal(0, pairs.Engine.ClosedCount);
    }

    [Fact]
    public async Task Sockmap_IdleTimeout_TrafficKeepsItSilenceEndsIt()
    {
        using var pairs = ProxiedPairs.Open(sockmap: true);
        pairs.Settings.IdleTimeoutSeconds = 1;
        var (client, server) = await pairs.ConnectAsync();

        // Three idle timeouts long, never a second quiet: bytes the kernel moved keep it open.
        for (var round = 0; round < 10; round++)
        {
            await Task.Delay(300);
            if (round % 2 == 0) await ExchangeAsync(client, server, "ping"u8.ToArray());
            else await ExchangeAsync(server, client, "pong"u8.ToArray());
        }
        Assert.Equal(0, pairs.Engine.ClosedCount);
        Assert.Equal(1, pairs.Engine.Servers.Services.Counters.SockmapConnections);

        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.True(await Loopback.SeesClosedAsync(client));
        Assert.True(await Loopback.SeesClosedAsync(server));
        Assert.Equal(new Traffic(20, 20), pairs.Counted);
    }
}
