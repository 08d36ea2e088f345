using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Quill.Core.Configuration;
using Quill.Net.Forwarding;

namespace Quill.Net.Tests.Forwarding;

/// <summary>idle_timeout and tcp_fastclose on a forwarded connection over loopback.</summary>
public sealed class ConnectionLifetimeTests : IAsyncDisposable
{
    private readonly List<Socket> _sockets = [];

    private async Task<(Socket Client, Socket Server, Task<ForwardResult> Forward)> OpenAsync(ConnectionLifetime lifetime)
    {
        var (client, proxyClient) = await Loopback.ConnectedPairAsync();
        var (proxyServer, server) = await Loopback.ConnectedPairAsync();
        _sockets.AddRange([client, proxyClient, proxyServer, server]);
        var forward = ConnectionForwarder.ForwardAsync(proxyClient, proxyServer, CancellationToken.None, lifetime: lifetime).AsTask();
        return (client, server, forward);
    }

    private static async Task ExchangeAsync(Socket from, Socket to)
    {
        await from.SendAsync("x"u8.ToArray());
        var one = new byte[1];
        Assert.Equal(1, await to.ReceiveAsync(one).WaitAsync(Loopback.Timeout));
    }

    [Fact]
    public async Task IdleTimeout_TrafficKeepsTheConnectionSilenceEndsIt()
    {
        var time = new FakeTimeProvider();
        var (client, server, forward) = await OpenAsync(new ConnectionLifetime(TimeSpan.FromSeconds(10)) { Time = time });

        time.Advance(TimeSpan.FromSeconds(8));
        await ExchangeAsync(client, server);
        time.Advance(TimeSpan.FromSeconds(8));
        await ExchangeAsync(server, client);
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.False(forward.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(2));
        await forward.WaitAsync(Loopback.Timeout);
        Assert.True(await ClosedAsync(client));
        Assert.True(await ClosedAsync(server));
    }

    [Fact]
    public async Task IdleTimeout_HalfClosedConnection_IsNeverIdleClosed()
    {
        var time = new FakeTimeProvider();
        var (client, server, forward) = await OpenAsync(new ConnectionLifetime(TimeSpan.FromSeconds(10)) { Time = time });

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));
        time.Advance(TimeSpan.FromMinutes(5));
        await ExchangeAsync(server, client);

        Assert.False(forward.IsCompleted);
    }

    [Theory]
    [InlineData(FastClose.Down, true)]
    [InlineData(FastClose.Both, true)]
    [InlineData(FastClose.Up, false)]
    [InlineData(FastClose.Off, false)]
    public async Task FastClose_ClientEof_ClosesEverythingOnlyWhenAsked(FastClose mode, bool closes)
    {
        var (client, server, forward) = await OpenAsync(new ConnectionLifetime(TimeSpan.Zero, mode));

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await server.ReceiveAsync(new byte[1]).WaitAsync(Loopback.Timeout));

        if (closes)
        {
            await forward.WaitAsync(Loopback.Timeout);
            Assert.True(await ClosedAsync(client));
        }
        else
        {
            await ExchangeAsync(server, client);
            Assert.False(forward.IsCompleted);
        }
    }

    [Fact]
    public async Task FastClose_Up_ServerEofClosesTheClientToo()
    {
        var (client, server, forward) = await OpenAsync(new ConnectionLifetime(TimeSpan.Zero, FastClose.Up));

        await server.SendAsync("bye"u8.ToArray());
        server.Shutdown(SocketShutdown.Send);

        Assert.Equal("bye", System.Text.Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(client)));
        await forward.WaitAsync(Loopback.Timeout);
    }

    /// <summary>True when the peer is gone: EOF or reset, within the test timeout.</summary>
    private static async Task<bool> ClosedAsync(Socket socket)
    {
        try
        {
            var buffer = new byte[64];
            while (await socket.ReceiveAsync(buffer).WaitAsync(Loopback.Timeout) > 0)
            {
                // Data before the end is not the question.
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets) socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
