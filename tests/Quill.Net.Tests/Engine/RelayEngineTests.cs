using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Quill.Net.Connections;

namespace Quill.Net.Tests.Engine;

public sealed class RelayEngineTests
{
    [Fact]
    public async Task Relay_EchoWithHalfClose_DeliversEveryByteAndCountsThem()
    {
        using var backend = TestBackend.Echo();
        using var engine = new EngineFixture(backend.EndPoint);
        using var client = await engine.ConnectAsync();
        var sent = RandomNumberGenerator.GetBytes(300_000);

        var reading = Loopback.ReadToEndAsync(client);
        await Loopback.SendAllAsync(client, sent, shutdown: true);

        Assert.Equal(sent, await reading);
        Assert.True(await engine.WaitClosedAsync());
        Assert.Equal(new Traffic(300_000, 300_000), engine.Servers.Counted(0));
        Assert.Equal(1, engine.ClosedCount);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public async Task Relay_BulkBothWaysWithASlowReader_IsByteExact()
    {
        const int size = 24 * 1024 * 1024;
        var upward = RandomNumberGenerator.GetBytes(size);
        var downward = RandomNumberGenerator.GetBytes(size);
        byte[]? receivedHash = null;
        using var backend = new TestBackend(async s =>
        {
            var sending = Loopback.SendAllAsync(s, downward, shutdown: true);
            receivedHash = (await Loopback.HashToEndAsync(s, size)).Hash;
            await sending;
        });
        using var engine = new EngineFixture(backend.EndPoint);
        // A small receive buffer makes the relay hold what the client cannot take yet.
        using var client = await engine.ConnectAsync(receiveBuffer: 4096);

        var sending = Loopback.SendAllAsync(client, upward, shutdown: true);
        var (hash, length) = await Loopback.HashToEndAsync(client, size);
        await sending;

        Assert.Equal(size, length);
        Assert.Equal(SHA256.HashData(downward), hash);
        Assert.True(await engine.WaitClosedAsync());
        Assert.Equal(SHA256.HashData(upward), receivedHash);
        Assert.Equal(new Traffic(size, size), engine.Servers.Counted(0));
    }

    [Fact]
    public async Task GreetingBackendClosingOnUnreadData_EveryClientGetsTheGreetingAndTheEnd()
    {
        using var backend = TestBackend.Greeter();
        using var engine = new EngineFixture(backend.EndPoint);
        for (var i = 0; i < 200; i++)
        {
            using var client = await engine.ConnectAsync();
            await client.SendAsync("HELLO quill\r\n"u8.ToArray(), SocketFlags.None);
            var received = new MemoryStream();
            var buffer = new byte[64];
            try
            {
                int read;
                while ((read = await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5))) > 0)
                    received.Write(buffer, 0, read);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // The backend's reset may overtake the end; what arrived before it still counts.
            }
            Assert.Equal("s0\n", Encoding.ASCII.GetString(received.ToArray()));
        }
        Assert.True(await engine.WaitClosedAsync(200));
    }

    [Fact]
    public async Task RefusedConnect_BlacklistsTheServerAndFailsOverToTheNext()
    {
        using var backend = TestBackend.Echo();
        var closedPort = ClosedPort();
        // Round robin gives the first client server 1; failover goes on in index order.
        using var engine = new EngineFixture([backend.EndPoint, closedPort]);
        using var client = await engine.ConnectAsync();

        var reading = Loopback.ReadToEndAsync(client);
        await Loopback.SendAllAsync(client, "ping"u8.ToArray(), shutdown: true);

        Assert.Equal("ping", Encoding.ASCII.GetString(await reading));
        Assert.True(await engine.WaitClosedAsync());
        Assert.Equal($"blacklisting server 1 because connect to {closedPort} failed: refused", Blacklisting(engine));
        Assert.NotNull(engine.Servers.Table[1]!.FailedAt);
        Assert.Null(engine.Servers.Table[0]!.FailedAt);
        Assert.Equal(new Traffic(4, 4), engine.Servers.Counted(0));
    }

    [Fact]
    public async Task ConnectTimeout_BlacklistsTheServerAndFailsOverToTheNext()
    {
        using var backend = TestBackend.Echo();
        using var silent = SilentServer.Open();
        var time = new FakeTimeProvider();
        using var engine = new EngineFixture([backend.EndPoint, silent.EndPoint], time: time);
        using var client = await engine.ConnectAsync();
        await Loopback.SendAllAsync(client, "late"u8.ToArray(), shutdown: true);
        var reading = Loopback.ReadToEndAsync(client);

        // The connect's deadline is set on the loop thread at some point after accept: move the clock past it until
        // the failover has happened (bounded).
        var timeout = TimeSpan.FromSeconds(engine.Servers.Settings.ConnectTimeoutSeconds);
        for (var i = 0; i < 1000 && engine.Servers.Table[1]!.FailedAt is null; i++)
        {
            time.Advance(timeout);
            await Task.Delay(10);
        }

        Assert.Equal("late", Encoding.ASCII.GetString(await reading));
        Assert.Equal($"blacklisting server 1 because connect to {silent.EndPoint} failed: timed out", Blacklisting(engine));
    }

    [Fact]
    public async Task NoServerLeft_ClosesTheClient()
    {
        using var engine = new EngineFixture(ClosedPort());
        using var client = await engine.ConnectAsync();

        Assert.True(await Loopback.SeesClosedAsync(client));
        Assert.True(await engine.WaitClosedAsync());
        Assert.Equal(default, engine.Servers.Counted(0));
        Assert.Equal(0, engine.Servers.Table[0]!.Connections);
        Assert.Equal(0, engine.Servers.Registry.Find(0)!.Value.State);
    }

    [Fact]
    public async Task NoRoom_ClientsWaitInTheBacklogUntilAcceptingResumes()
    {
        using var backend = TestBackend.Echo();
        using var engine = new EngineFixture(backend.EndPoint) { Room = false };
        using var client = await engine.ConnectAsync();
        var reading = Loopback.ReadToEndAsync(client);
        await Loopback.SendAllAsync(client, "queued"u8.ToArray(), shutdown: true);

        // Bounded look for something that must not happen: no loop takes the client while there is no room.
        Assert.False(await Eventually(() => engine.AcceptedCount > 0, TimeSpan.FromMilliseconds(300)));
        engine.Room = true;
        engine.Engine.ResumeAccepting();

        Assert.Equal("queued", Encoding.ASCII.GetString(await reading));
        Assert.Equal(1, engine.AcceptedCount);
    }

    [Fact]
    public async Task StopAsync_ClosesRelayedConnections()
    {
        using var backend = TestBackend.Echo();
        using var engine = new EngineFixture(backend.EndPoint);
        using var client = await engine.ConnectAsync();
        await client.SendAsync("open"u8.ToArray(), SocketFlags.None);
        var echoed = new byte[4];
        Assert.Equal(4, await client.ReceiveAsync(echoed, SocketFlags.None).WaitAsync(Loopback.Timeout));

        await engine.Engine.StopAsync().WaitAsync(Loopback.Timeout);

        Assert.True(await Loopback.SeesClosedAsync(client));
        Assert.True(await engine.WaitClosedAsync());
    }

    /// <summary>A listener whose accept queue is full: the kernel drops further SYNs, so a connect neither succeeds nor fails.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly Socket _filler = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        private SilentServer()
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(0);
            // Linux queues backlog + 1 connections: this one fills the queue.
            _filler.Connect(_listener.LocalEndPoint!);
        }

        public EndPoint EndPoint => _listener.LocalEndPoint!;

        public static SilentServer Open() => new();

        public void Dispose()
        {
            _filler.Dispose();
            _listener.Dispose();
        }
    }

    private static string Blacklisting(EngineFixture engine) =>
        Assert.Single(engine.Servers.Log.Lines, l => l.StartsWith("blacklisting", StringComparison.Ordinal));

    private static EndPoint ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket.LocalEndPoint!;
    }

    private static async Task<bool> Eventually(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(10);
        }
        return condition();
    }
}
