using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Quill.Core.Configuration;
using Quill.Net.Connections;

namespace Quill.Net.Tests.Engine;

/// <summary>idle_timeout, tcp_fastclose, close N and the live counters of a connection on the event-loop relay.</summary>
public sealed class RelayLifetimeTests
{
    private static async Task ExchangeAsync(Socket from, Socket to)
    {
        await from.SendAsync("x"u8.ToArray());
        var one = new byte[1];
        Assert.Equal(1, await to.ReceiveAsync(one).WaitAsync(Loopback.Timeout));
    }

    private static ProxiedPairs IdleTimeout(FakeTimeProvider time, int seconds)
    {
        var pairs = ProxiedPairs.Open(time);
        pairs.Settings.IdleTimeoutSeconds = seconds;
        return pairs;
    }

    [Fact]
    public async Task IdleTimeout_TrafficKeepsTheConnectionSilenceEndsIt()
    {
        var time = new FakeTimeProvider();
        using var pairs = IdleTimeout(time, seconds: 10);
        var (client, server) = await pairs.ConnectAsync();

        time.Advance(TimeSpan.FromSeconds(8));
        await ExchangeAsync(client, server);
        time.Advance(TimeSpan.FromSeconds(8));
        await ExchangeAsync(server, client);
        time.Advance(TimeSpan.FromSeconds(8));
        // The sweep looks every 250 ms (of the loop's clock) and has had its chances: still open.
        await ExchangeAsync(client, server);
        Assert.Equal(0, pairs.Engine.ClosedCount);

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.True(await Loopback.SeesClosedAsync(client));
        Assert.True(await Loopback.SeesClosedAsync(server));
    }

    [Fact]
    public async Task IdleTimeout_HalfClosedConnection_IsNeverIdleClosed()
    {
        var time = new FakeTimeProvider();
        using var pairs = IdleTimeout(time, seconds: 10);
        var (client, server) = await pairs.ConnectAsync();

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));
        for (var minute = 0; minute < 5; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await ExchangeAsync(server, client);
        }

        Assert.Equal(0, pairs.Engine.ClosedCount);
    }

    [Theory]
    [InlineData(FastClose.Down, true)]
    [InlineData(FastClose.Both, true)]
    [InlineData(FastClose.Up, false)]
    [InlineData(FastClose.Off, false)]
    public async Task FastClose_ClientEof_ClosesEverythingOnlyWhenAsked(FastClose mode, bool closes)
    {
        using var pairs = ProxiedPairs.Open();
        pairs.Settings.FastClose = mode;
        var (client, server) = await pairs.ConnectAsync();

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));

        if (closes)
        {
            Assert.True(await pairs.Engine.WaitClosedAsync());
            Assert.True(await Loopback.SeesClosedAsync(client));
        }
        else
        {
            await ExchangeAsync(server, client);
            Assert.Equal(0, pairs.Engine.ClosedCount);
        }
    }

    [Fact]
    public async Task FastClose_Up_ServerEofClosesTheClientToo()
    {
        using var pairs = ProxiedPairs.Open();
        pairs.Settings.FastClose = FastClose.Up;
        var (client, server) = await pairs.ConnectAsync();

        await server.SendAsync("bye"u8.ToArray());
        server.Shutdown(SocketShutdown.Send);

        Assert.Equal("bye", System.Text.Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(client)));
        Assert.True(await pairs.Engine.WaitClosedAsync());
    }

    [Fact]
    public async Task CloseN_ClosesThatConnectionOnly()
    {
        using var pairs = ProxiedPairs.Open();
        var (first, firstServer) = await pairs.ConnectAsync();
        var (second, secondServer) = await pairs.ConnectAsync();
        await ExchangeAsync(second, secondServer);
        var registry = pairs.Engine.Servers.Registry;
        Assert.Equal(2, registry.Find(1)!.Value.State);

        Assert.True(registry.Close(1));

        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.True(await Loopback.SeesClosedAsync(second));
        Assert.True(await Loopback.SeesClosedAsync(secondServer));
        Assert.Equal(0, registry.Find(1)!.Value.State);
        await ExchangeAsync(first, firstServer);
        await ExchangeAsync(firstServer, first);
        Assert.Equal(1, pairs.Engine.ClosedCount);
    }

    [Fact]
    public async Task LiveCounters_MoveWhileTheConnectionIsOpen()
    {
        using var pairs = ProxiedPairs.Open();
        var (client, server) = await pairs.ConnectAsync();
        await Loopback.SendAllAsync(client, "6bytes"u8.ToArray(), shutdown: false);
        await Loopback.SendAllAsync(server, "sixby!"u8.ToArray(), shutdown: false);
        var buffer = new byte[6];
        for (var got = 0; got < 6;) got += await server.ReceiveAsync(buffer.AsMemory(got)).AsTask().WaitAsync(Loopback.Timeout);
        for (var got = 0; got < 6;) got += await client.ReceiveAsync(buffer.AsMemory(got)).AsTask().WaitAsync(Loopback.Timeout);

        // Delivered is counted on the loop thread just after the send that the peer has now received: a bounded wait.
        var deadline = DateTime.UtcNow + Loopback.Timeout;
        while (pairs.Counted != new Traffic(6, 6) && DateTime.UtcNow < deadline)
        {
            pairs.Engine.Servers.Registry.ReportTraffic();
            await Task.Delay(10);
        }

        Assert.Equal(new Traffic(6, 6), pairs.Counted);
        Assert.Equal(0, pairs.Engine.ClosedCount);
        client.Shutdown(SocketShutdown.Send);
        server.Shutdown(SocketShutdown.Send);
        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.Equal(new Traffic(6, 6), pairs.Counted);
    }
}
