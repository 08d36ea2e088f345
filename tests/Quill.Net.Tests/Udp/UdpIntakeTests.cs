using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Selection;
using Quill.Core.Control;
using Quill.Net.Connections;
using Quill.Net.Tests.Connections;
using Quill.Net.Udp;

namespace Quill.Net.Tests.Udp;

public sealed class UdpIntakeTests : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IDisposable> _owned = [];
    private UdpIntake? _relay;
    private Task? _running;
    private ServerSelector? _selector;
    private readonly ConnectionRegistry _registry = new(100);

    private UdpIntake Start(TimeProvider time, UdpIntakeOptions options, SelectionFlags flags, params IPEndPoint[] servers)
    {
        var states = servers.Select(s => new ServerState(new ServerSpec(s.ToString(), "127.0.0.1", s.Port, null), s)).ToList();
        var table = new ServerTable(states, null, null);
        var settings = new SelectionSettings { Flags = flags, BlacklistSeconds = 30 };
        _selector = new ServerSelector(table, new ClientTable(100, time), settings, time);
        var services = new ConnectionServices(
            _selector, _registry, new RuntimeSettings(new QuillOptions { Foreground = true }), new LifecycleFixture.RecordingLog());
        _relay = UdpIntake.Open(new IPEndPoint(IPAddress.Loopback, 0), services, options, time);
        _running = _relay.RunAsync(_stop.Token);
        return _relay;
    }

    private Socket Client(int lastByte = 1)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)lastByte]), 0));
        _owned.Add(socket);
        return socket;
    }

    /// <summary>Sends and returns the first reply and where it came from.</summary>
    private static async Task<(string Text, IPEndPoint From)> AskAsync(Socket client, EndPoint relay, string payload)
    {
        await client.SendToAsync(Encoding.ASCII.GetBytes(payload), SocketFlags.None, relay);
        return await ReceiveAsync(client);
    }

    private static async Task<(string Text, IPEndPoint From)> ReceiveAsync(Socket client)
    {
        var buffer = new byte[65535];
        var result = await client.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0))
            .WaitAsync(Loopback.Timeout);
        return (Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes), (IPEndPoint)result.RemoteEndPoint);
    }

    [Fact]
    public async Task Relay_OneClient_RepliesComeFromTheListenAddressOverOneUpstreamSocket()
    {
        using var server = new UdpNameServer("a", replies: 2);
        var relay = Start(TimeProvider.System, new UdpIntakeOptions(), SelectionFlags.None, server.EndPoint);
        var client = Client();

        var first = await AskAsync(client, relay.LocalEndPoint, "one");
        var second = await ReceiveAsync(client);
        var third = await AskAsync(client, relay.LocalEndPoint, "two");

        Assert.Equal(relay.LocalEndPoint, first.From);
        Assert.Equal(first, second);
        Assert.EndsWith(" one", first.Text);
        var upstreamPort = first.Text.Split(' ')[1];
        Assert.Equal($"a {upstreamPort} two", third.Text);
        Assert.Equal(1, relay.SessionCount);
        Assert.Equal(1, _selector!.Servers[0]!.Connections);
    }

    [Fact]
    public async Task Relay_OpenSession_IsListedAndCountedBeforeItEnds()
    {
        using var server = new UdpNameServer("a");
        var relay = Start(TimeProvider.System, new UdpIntakeOptions(), SelectionFlags.None, server.EndPoint);
        var client = Client();

        var reply = await AskAsync(client, relay.LocalEndPoint, "one");
        _registry.ReportTraffic();

        Assert.Equal(2, _registry.Find(0)!.Value.State);
        Assert.Equal(3, _selector!.Servers[0]!.SentToServer);
        Assert.Equal(reply.Text.Length, _selector.Servers[0]!.ReceivedFromServer);
        Assert.Equal(1, relay.SessionCount);
    }

    [Fact]
    public async Task Relay_SameAddressNewPort_SticksToItsServer_RoundRobinAlternates()
    {
        using var a = new UdpNameServer("a");
        using var b = new UdpNameServer("b");
        var relay = Start(TimeProvider.System, new UdpIntakeOptions(), SelectionFlags.None, a.EndPoint, b.EndPoint);

        var names = new List<string>();
        for (var i = 0; i < 4; i++) names.Add((await AskAsync(Client(5), relay.LocalEndPoint, "q")).Text[..1]);
        names.Add((await AskAsync(Client(6), relay.LocalEndPoint, "q")).Text[..1]);

        Assert.Single(names.Take(4).Distinct());
        Assert.NotEqual(names[0], names[4]);
        Assert.Equal(5, relay.SessionCount);
    }

    [Fact]
    public async Task Relay_RoundRobin_SessionsAlternate()
    {
        using var a = new UdpNameServer("a");
        using var b = new UdpNameServer("b");
        var relay = Start(TimeProvider.System, new UdpIntakeOptions(), SelectionFlags.RoundRobin, a.EndPoint, b.EndPoint);

        var names = new List<string>();
        for (var i = 0; i < 4; i++) names.Add((await AskAsync(Client(), relay.LocalEndPoint, "q")).Text[..1]);

        Assert.Equal(["b", "a", "b", "a"], names);
    }

    [Fact]
    public async Task Relay_ServerPortClosed_BlacklistsItAndTheFirstDatagramReachesTheNext()
    {
        var dead = new UdpNameServer("dead");
        var deadEndPoint = dead.EndPoint;
        dead.Dispose();
        using var alive = new UdpNameServer("alive");
        // Round robin starts at server 1, so the dead server is tried first.
        var relay = Start(TimeProvider.System, new UdpIntakeOptions(), SelectionFlags.RoundRobin, alive.EndPoint, deadEndPoint);

        var reply = await AskAsync(Client(), relay.LocalEndPoint, "hello");
        var next = await AskAsync(Client(), relay.LocalEndPoint, "again");

        Assert.StartsWith("alive ", reply.Text);
        Assert.EndsWith(" hello", reply.Text);
        Assert.StartsWith("alive ", next.Text);
        Assert.NotNull(_selector!.Servers[1]!.FailedAt);
        Assert.Null(_selector.Servers[0]!.FailedAt);
        Assert.Equal(0, _selector.Servers[1]!.Connections);
    }

    [Fact]
    public async Task Relay_ServerStopsDuringASession_SessionMovesToTheOther()
    {
        var first = new UdpNameServer("first");
        using var second = new UdpNameServer("second");
        var relay = Start(TimeProvider.System, new UdpIntakeOptions(), SelectionFlags.Prio, first.EndPoint, second.EndPoint);
        var client = Client();
        Assert.StartsWith("first ", (await AskAsync(client, relay.LocalEndPoint, "1")).Text);

        first.Dispose();
        // The first datagram after the stop is lost (only a session's first datagram is kept); the client resends.
        var receive = ReceiveAsync(client);
        for (var i = 0; i < 20 && !receive.IsCompleted; i++)
        {
            await client.SendToAsync("2"u8.ToArray(), SocketFlags.None, relay.LocalEndPoint);
            await Task.WhenAny(receive, Task.Delay(200));
        }

        Assert.StartsWith("second ", (await receive).Text);
        Assert.Equal(1, relay.SessionCount);
    }

    [Fact]
    public async Task ExpireIdle_AfterTheTimeout_EndsSessionsAndReleasesServers()
    {
        var time = new FakeTimeProvider();
        using var server = new UdpNameServer("a");
        var relay = Start(time, new UdpIntakeOptions { IdleTimeout = TimeSpan.FromSeconds(60) }, SelectionFlags.None, server.EndPoint);
        var quiet = Client(1);
        var busy = Client(2);
        await AskAsync(quiet, relay.LocalEndPoint, "q");
        await AskAsync(busy, relay.LocalEndPoint, "q");

        time.Advance(TimeSpan.FromSeconds(40));
        await AskAsync(busy, relay.LocalEndPoint, "q");
        time.Advance(TimeSpan.FromSeconds(20));
        relay.ExpireIdle();

        Assert.Equal(1, relay.SessionCount);
        Assert.Equal(1, _selector!.Servers[0]!.Connections);
        time.Advance(TimeSpan.FromSeconds(60));
        relay.ExpireIdle();
        Assert.Equal(0, relay.SessionCount);
        Assert.Equal(0, _selector.Servers[0]!.Connections);

        var again = await AskAsync(quiet, relay.LocalEndPoint, "back");
        Assert.EndsWith(" back", again.Text);
        Assert.Equal(1, relay.SessionCount);
    }

    [Fact]
    public async Task Relay_TableFull_LeastRecentlyActiveSessionMakesRoom()
    {
        var time = new FakeTimeProvider();
        using var server = new UdpNameServer("a");
        var relay = Start(time, new UdpIntakeOptions { MaxSessions = 2 }, SelectionFlags.None, server.EndPoint);
        var oldest = Client(1);
        await AskAsync(oldest, relay.LocalEndPoint, "1");
        time.Advance(TimeSpan.FromSeconds(1));
        var middle = Client(2);
        await AskAsync(middle, relay.LocalEndPoint, "2");
        time.Advance(TimeSpan.FromSeconds(1));
        await AskAsync(Client(3), relay.LocalEndPoint, "3");

        Assert.Equal(2, relay.SessionCount);
        Assert.Equal(2, _selector!.Servers[0]!.Connections);
        var port = (await AskAsync(middle, relay.LocalEndPoint, "2")).Text.Split(' ')[1];
        var newPort = (await AskAsync(oldest, relay.LocalEndPoint, "1")).Text.Split(' ')[1];
        Assert.NotEqual(port, newPort);
    }

    [Fact]
    public async Task RunAsync_Cancelled_EndsEverySession()
    {
        using var server = new UdpNameServer("a");
        var relay = Start(TimeProvider.System, new UdpIntakeOptions(), SelectionFlags.None, server.EndPoint);
        await AskAsync(Client(), relay.LocalEndPoint, "q");

        await _stop.CancelAsync();
        await _running!.WaitAsync(Loopback.Timeout);

        Assert.Equal(0, relay.SessionCount);
        Assert.Equal(0, _selector!.Servers[0]!.Connections);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null) await _running.WaitAsync(Loopback.Timeout);
        _relay?.Dispose();
        foreach (var owned in _owned) owned.Dispose();
    }
}
