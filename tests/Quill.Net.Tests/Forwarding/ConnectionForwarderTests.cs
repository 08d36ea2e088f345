using Quill.Net.Connections;
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Quill.Net.Forwarding;
using Quill.Net.Http;

namespace Quill.Net.Tests.Forwarding;

public sealed class ConnectionForwarderTests
{
    public static TheoryData<ForwardingMode> Modes => [ForwardingMode.Buffered, ForwardingMode.Splice, ForwardingMode.Auto];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ForwardAsync_20MBEachWaySimultaneously_ArrivesByteExact(ForwardingMode mode)
    {
        const int size = 20 * 1024 * 1024;
        var request = RandomBytes(size, seed: 1);
        var reply = RandomBytes(size, seed: 2);
        await using var connection = await ProxiedConnection.OpenAsync();
        var pool = new CountingPool();
        using var pipes = new PipePool(capacity: 4);

        var forward = connection.ForwardAsync(mode, pool, pipes, CancellationToken.None);
        var clientSends = Loopback.SendAllAsync(connection.Client, request, shutdown: true);
        var serverSends = Loopback.SendAllAsync(connection.Server, reply, shutdown: true);
        var serverReceives = Loopback.HashToEndAsync(connection.Server, size);
        var clientReceives = Loopback.HashToEndAsync(connection.Client, size);
        await Task.WhenAll(clientSends, serverSends).WaitAsync(Loopback.Timeout);

        var atServer = await serverReceives.WaitAsync(Loopback.Timeout);
        var atClient = await clientReceives.WaitAsync(Loopback.Timeout);
        Assert.Equal(size, atServer.Length);
        Assert.Equal(SHA256.HashData(request), atServer.Hash);
        Assert.Equal(size, atClient.Length);
        Assert.Equal(SHA256.HashData(reply), atClient.Hash);
        Assert.Equal(new ForwardResult(size, size, Clean: true), await forward.WaitAsync(Loopback.Timeout));
        // One buffer (buffered) or one pipe (splice) per direction at most, all back at the end.
        Assert.InRange(mode == ForwardingMode.Buffered ? pool.Peak : pipes.PeakRented, 1, 2);
        Assert.InRange(pool.Peak, 0, 2);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, pipes.Rented);
    }

    [Fact]
    public async Task ForwardAsync_IdleConnectionWithForwardedFor_HoldsNoBufferBetweenRequests()
    {
        await using var connection = await ProxiedConnection.OpenAsync();
        var pool = new CountingPool();
        using var pipes = new PipePool(capacity: 4);
        var filter = new HttpRequestFilter(new ForwardedHeaders(IPAddress.Parse("192.0.2.7"), https: false), null, pool);
        var forward = connection.ForwardAsync(ForwardingMode.Auto, pool, pipes, CancellationToken.None, filter);

        await Loopback.SendAllAsync(connection.Client, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), shutdown: false);
        var expected = "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n"u8.ToArray();
        var buffer = new byte[expected.Length];
        for (var got = 0; got < buffer.Length;)
            got += await connection.Server.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None).AsTask().WaitAsync(Loopback.Timeout);

        Assert.Equal(expected, buffer);
        // The read buffer and the rewritten request's buffer both came from the pool, and both went back.
        Assert.True(await pool.AllReturnedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, pool.Peak);
        Assert.False(forward.IsCompleted);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ForwardAsync_IdleConnection_HoldsNoBufferNorPipe(ForwardingMode mode)
    {
        await using var connection = await ProxiedConnection.OpenAsync();
        var pool = new CountingPool();
        using var pipes = new PipePool(capacity: 4);
        var forward = connection.ForwardAsync(mode, pool, pipes, CancellationToken.None);

        await Loopback.SendAllAsync(connection.Client, "one chunk"u8.ToArray(), shutdown: false);
        var buffer = new byte[9];
        Assert.Equal(9, await connection.Server.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Loopback.Timeout));

        Assert.True(await pool.AllReturnedAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await AllPipesReturnedAsync(pipes, TimeSpan.FromSeconds(5)));
        // Auto copies a short message through a buffer, as the buffered path does.
        Assert.Equal(mode == ForwardingMode.Splice ? 0 : 1, pool.Peak);
        Assert.Equal(mode == ForwardingMode.Splice ? 1 : 0, pipes.PeakRented);
        Assert.False(forward.IsCompleted);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ForwardAsync_ClientHalfCloses_ServerRepliesAfterEof(ForwardingMode mode)
    {
        await using var connection = await ProxiedConnection.OpenAsync();

        var forward = connection.ForwardAsync(mode, CancellationToken.None);
        await Loopback.SendAllAsync(connection.Client, "request"u8.ToArray(), shutdown: true);
        Assert.Equal("request"u8.ToArray(), await Loopback.ReadToEndAsync(connection.Server));
        await Loopback.SendAllAsync(connection.Server, "reply after EOF"u8.ToArray(), shutdown: true);

        Assert.Equal("reply after EOF"u8.ToArray(), await Loopback.ReadToEndAsync(connection.Client));
        Assert.Equal(new ForwardResult(7, 15, Clean: true), await forward.WaitAsync(Loopback.Timeout));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ForwardAsync_ServerHalfCloses_ClientKeepsSending(ForwardingMode mode)
    {
        await using var connection = await ProxiedConnection.OpenAsync();

        var forward = connection.ForwardAsync(mode, CancellationToken.None);
        await Loopback.SendAllAsync(connection.Server, "banner"u8.ToArray(), shutdown: true);
        Assert.Equal("banner"u8.ToArray(), await Loopback.ReadToEndAsync(connection.Client));
        await Loopback.SendAllAsync(connection.Client, "still talking"u8.ToArray(), shutdown: true);

        Assert.Equal("still talking"u8.ToArray(), await Loopback.ReadToEndAsync(connection.Server));
        Assert.Equal(new ForwardResult(13, 6, Clean: true), await forward.WaitAsync(Loopback.Timeout));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ForwardAsync_BackendRepliesAndClosesAtOnce_100Times_NoByteLost(ForwardingMode mode)
    {
        var reply = RandomBytes(100_000, seed: 3);
        for (var round = 0; round < 100; round++)
        {
            await using var connection = await ProxiedConnection.OpenAsync();

            var forward = connection.ForwardAsync(mode, CancellationToken.None);
            await Loopback.SendAllAsync(connection.Client, "GET"u8.ToArray(), shutdown: true);
            Assert.Equal("GET"u8.ToArray(), await Loopback.ReadToEndAsync(connection.Server));
            // Data and FIN leave together: pen loses this tail when epoll reports IN|HUP at once.
            await connection.Server.SendAsync(reply, SocketFlags.None).WaitAsync(Loopback.Timeout);
            connection.Server.Dispose();

            Assert.Equal(reply, await Loopback.ReadToEndAsync(connection.Client));
            Assert.Equal(new ForwardResult(3, reply.Length, Clean: true), await forward.WaitAsync(Loopback.Timeout));
        }
    }

    [Theory]
    [InlineData(true, ForwardingMode.Buffered)]
    [InlineData(false, ForwardingMode.Buffered)]
    [InlineData(true, ForwardingMode.Splice)]
    [InlineData(false, ForwardingMode.Splice)]
    public async Task ForwardAsync_PeerResetsMidTransfer_ClosesBothWithoutThrowing(bool clientResets, ForwardingMode mode)
    {
        await using var connection = await ProxiedConnection.OpenAsync();
        var (resetting, surviving) = clientResets ? (connection.Client, connection.Server) : (connection.Server, connection.Client);
        var forward = connection.ForwardAsync(mode, CancellationToken.None);
        var flood = FloodAsync(surviving);
        var buffer = new byte[4096];
        Assert.True(await resetting.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Loopback.Timeout) > 0);

        Loopback.Reset(resetting);

        var result = await forward.WaitAsync(Loopback.Timeout);
        Assert.False(result.Clean);
        Assert.True((clientResets ? result.BytesToClient : result.BytesToServer) > 0);
        Assert.True(await Loopback.SeesClosedAsync(surviving));
        await flood.WaitAsync(Loopback.Timeout);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ForwardAsync_Cancelled_ClosesBothPromptly(ForwardingMode mode)
    {
        await using var connection = await ProxiedConnection.OpenAsync();
        using var shutdown = new CancellationTokenSource();
        var forward = connection.ForwardAsync(mode, shutdown.Token);
        await Loopback.SendAllAsync(connection.Client, "hello"u8.ToArray(), shutdown: false);
        var buffer = new byte[5];
        Assert.Equal(5, await connection.Server.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Loopback.Timeout));

        await shutdown.CancelAsync();

        var result = await forward.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new ForwardResult(5, 0, Clean: false), result);
        Assert.True(await Loopback.SeesClosedAsync(connection.Client));
        Assert.True(await Loopback.SeesClosedAsync(connection.Server));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ForwardAsync_UnixBackend_Forwards(ForwardingMode mode)
    {
        using var directory = new TempDirectory();
        var endPoint = directory.SocketEndPoint("backend.sock");
        using var backend = Loopback.ListenUnix(endPoint);
        var (client, proxyClient) = await Loopback.ConnectedPairAsync();
        using var clientSide = client;
        using var proxyServer = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await proxyServer.ConnectAsync(endPoint).WaitAsync(Loopback.Timeout);
        using var server = await backend.AcceptAsync().WaitAsync(Loopback.Timeout);

        var forward = ConnectionForwarder.ForwardAsync(proxyClient, proxyServer, CancellationToken.None, mode: mode).AsTask();
        await Loopback.SendAllAsync(client, "over unix"u8.ToArray(), shutdown: true);
        Assert.Equal("over unix"u8.ToArray(), await Loopback.ReadToEndAsync(server));
        await Loopback.SendAllAsync(server, "back"u8.ToArray(), shutdown: true);

        Assert.Equal("back"u8.ToArray(), await Loopback.ReadToEndAsync(client));
        Assert.Equal(new ForwardResult(9, 4, Clean: true), await forward.WaitAsync(Loopback.Timeout));
    }

    /// <summary>Waits (bounded) until every pipe is back: a pump returns its pipe just after the chunk is delivered.</summary>
    private static async Task<bool> AllPipesReturnedAsync(PipePool pipes, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (pipes.Rented != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return pipes.Rented == 0;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Sends until the connection breaks (at most 1 GiB), as a peer that never stops talking.</summary>
    private static async Task FloodAsync(Socket socket)
    {
        var chunk = new byte[64 * 1024];
        try
        {
            for (var sent = 0L; sent < 1L << 30;)
            {
                sent += await socket.SendAsync(chunk, SocketFlags.None).WaitAsync(Loopback.Timeout);
            }
        }
        catch (SocketException)
        {
            // The forwarder closed the other end: expected.
        }
    }

    /// <summary>client ⇄ (proxy client side, proxy server side) ⇄ server, all real TCP sockets on 127.0.0.1.</summary>
    private sealed class ProxiedConnection : IAsyncDisposable
    {
        private readonly Socket _proxyClient;
        private readonly Socket _proxyServer;

        private ProxiedConnection(Socket client, Socket proxyClient, Socket proxyServer, Socket server)
        {
            Client = client;
            _proxyClient = proxyClient;
            _proxyServer = proxyServer;
            Server = server;
        }

        public Socket Client { get; }

        public Socket Server { get; }

        public static async Task<ProxiedConnection> OpenAsync()
        {
            var (client, proxyClient) = await Loopback.ConnectedPairAsync();
            var (proxyServer, server) = await Loopback.ConnectedPairAsync();
            return new ProxiedConnection(client, proxyClient, proxyServer, server);
        }

        public Task<ForwardResult> ForwardAsync(ForwardingMode mode, CancellationToken cancellationToken) =>
            ConnectionForwarder.ForwardAsync(_proxyClient, _proxyServer, cancellationToken, mode: mode).AsTask();

        public Task<ForwardResult> ForwardAsync(
            ForwardingMode mode, ArrayPool<byte> pool, PipePool pipes, CancellationToken cancellationToken,
            IClientStreamFilter? filter = null) =>
            ConnectionForwarder.ForwardAsync(_proxyClient, _proxyServer, pool, cancellationToken, filter, mode: mode, pipes: pipes).AsTask();

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            Server.Dispose();
            _proxyClient.Dispose();
            _proxyServer.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
