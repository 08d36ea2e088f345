using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Quill.Net.Interop;

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
        Assert.Equal((300_000L, 300_000L), Assert.Single(engine.Closes));
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
        Assert.Equal(((long)size, (long)size), Assert.Single(engine.Closes));
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
    public async Task RefusedConnect_AsksTheOwnerAndFailsOver()
    {
        using var backend = TestBackend.Echo();
        var closedPort = ClosedPort();
        using var engine = new EngineFixture(closedPort) { OnConnectFailure = _ => backend.EndPoint };
        using var client = await engine.ConnectAsync();

        var reading = Loopback.ReadToEndAsync(client);
        await Loopback.SendAllAsync(client, "ping"u8.ToArray(), shutdown: true);

        Assert.Equal("ping", Encoding.ASCII.GetString(await reading));
        Assert.Equal(Libc.ECONNREFUSED, Assert.Single(engine.ConnectFailures));
    }

    [Fact]
    public async Task NoServerLeft_ClosesTheClient()
    {
        using var engine = new EngineFixture(ClosedPort());
        using var client = await engine.ConnectAsync();

        Assert.True(await Loopback.SeesClosedAsync(client));
        Assert.True(await engine.WaitClosedAsync());
        Assert.Equal((0L, 0L), Assert.Single(engine.Closes));
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
