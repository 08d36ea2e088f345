using System.Net.Sockets;
using System.Security.Cryptography;
using Quill.Net.Connections;

namespace Quill.Net.Tests.Engine;

/// <summary>Bytes through the event-loop relay between real sockets: exact, with half-closes passed on, to the end.</summary>
public class RelayTransferTests
{
    /// <summary>The kernel relays plain connections (see <see cref="SockmapRelayTransferTests"/>).</summary>
    protected virtual bool Sockmap => false;

    [Fact]
    public async Task Relay_20MBEachWaySimultaneously_ArrivesByteExact()
    {
        const int size = 20 * 1024 * 1024;
        var request = RandomBytes(size, seed: 1);
        var reply = RandomBytes(size, seed: 2);
        using var pairs = ProxiedPairs.Open(sockmap: Sockmap);
        var (client, server) = await pairs.ConnectAsync();

        var clientSends = Loopback.SendAllAsync(client, request, shutdown: true);
        var serverSends = Loopback.SendAllAsync(server, reply, shutdown: true);
        var serverReceives = Loopback.HashToEndAsync(server, size);
        var clientReceives = Loopback.HashToEndAsync(client, size);
        await Task.WhenAll(clientSends, serverSends).WaitAsync(Loopback.Timeout);

        var atServer = await serverReceives.WaitAsync(Loopback.Timeout);
        var atClient = await clientReceives.WaitAsync(Loopback.Timeout);
        Assert.Equal(size, atServer.Length);
        Assert.Equal(SHA256.HashData(request), atServer.Hash);
        Assert.Equal(size, atClient.Length);
        Assert.Equal(SHA256.HashData(reply), atClient.Hash);
        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.Equal(new Traffic(size, size), pairs.Counted);
        Assert.Empty(pairs.Engine.Errors);
    }

    [Fact]
    public async Task Relay_ClientHalfCloses_ServerRepliesAfterEof()
    {
        using var pairs = ProxiedPairs.Open(sockmap: Sockmap);
        var (client, server) = await pairs.ConnectAsync();

        await Loopback.SendAllAsync(client, "request"u8.ToArray(), shutdown: true);
        Assert.Equal("request"u8.ToArray(), await Loopback.ReadToEndAsync(server));
        await Loopback.SendAllAsync(server, "reply after EOF"u8.ToArray(), shutdown: true);

        Assert.Equal("reply after EOF"u8.ToArray(), await Loopback.ReadToEndAsync(client));
        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.Equal(new Traffic(7, 15), pairs.Counted);
    }

    [Fact]
    public async Task Relay_ServerHalfCloses_ClientKeepsSending()
    {
        using var pairs = ProxiedPairs.Open(sockmap: Sockmap);
        var (client, server) = await pairs.ConnectAsync();

        await Loopback.SendAllAsync(server, "banner"u8.ToArray(), shutdown: true);
        Assert.Equal("banner"u8.ToArray(), await Loopback.ReadToEndAsync(client));
        await Loopback.SendAllAsync(client, "still talking"u8.ToArray(), shutdown: true);

        Assert.Equal("still talking"u8.ToArray(), await Loopback.ReadToEndAsync(server));
        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.Equal(new Traffic(13, 6), pairs.Counted);
    }

    [Fact]
    public async Task Relay_BackendRepliesAndClosesAtOnce_100Times_NoByteLost()
    {
        var reply = RandomBytes(100_000, seed: 3);
        using var pairs = ProxiedPairs.Open(sockmap: Sockmap);
        for (var round = 1; round <= 100; round++)
        {
            var (client, server) = await pairs.ConnectAsync();
            await Loopback.SendAllAsync(client, "GET"u8.ToArray(), shutdown: true);
            Assert.Equal("GET"u8.ToArray(), await Loopback.ReadToEndAsync(server));
            // Data and FIN leave together: pen loses this tail when epoll reports IN|HUP at once.
            await server.SendAsync(reply, SocketFlags.None).WaitAsync(Loopback.Timeout);
            server.Dispose();

            Assert.Equal(reply, await Loopback.ReadToEndAsync(client));
            Assert.True(await pairs.Engine.WaitClosedAsync());
            Assert.Equal(new Traffic(3L * round, (long)reply.Length * round), pairs.Counted);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Relay_PeerResetsMidTransfer_ClosesBothWithoutAnError(bool clientResets)
    {
        using var pairs = ProxiedPairs.Open(sockmap: Sockmap);
        var (client, server) = await pairs.ConnectAsync();
        var (resetting, surviving) = clientResets ? (client, server) : (server, client);
        var flood = FloodAsync(surviving);
        var buffer = new byte[4096];
        Assert.True(await resetting.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Loopback.Timeout) > 0);

        Loopback.Reset(resetting);

        Assert.True(await pairs.Engine.WaitClosedAsync());
        var counted = pairs.Counted;
        Assert.True((clientResets ? counted.ToClient : counted.ToServer) > 0);
        Assert.True(await Loopback.SeesClosedAsync(surviving));
        await flood.WaitAsync(Loopback.Timeout);
        Assert.Empty(pairs.Engine.Errors);
    }

    [Fact]
    public async Task Relay_UnixBackend_Forwards()
    {
        using var directory = new TempDirectory();
        using var pairs = ProxiedPairs.OpenUnix(directory.SocketEndPoint("backend.sock"), Sockmap);
        var (client, server) = await pairs.ConnectAsync();

        await Loopback.SendAllAsync(client, "over unix"u8.ToArray(), shutdown: true);
        Assert.Equal("over unix"u8.ToArray(), await Loopback.ReadToEndAsync(server));
        await Loopback.SendAllAsync(server, "back"u8.ToArray(), shutdown: true);

        Assert.Equal("back"u8.ToArray(), await Loopback.ReadToEndAsync(client));
        Assert.True(await pairs.Engine.WaitClosedAsync());
        Assert.Equal(new Traffic(9, 4), pairs.Counted);
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
            // The relay closed the other end: expected.
        }
    }
}
