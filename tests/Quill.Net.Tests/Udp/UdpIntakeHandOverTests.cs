using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Quill.Core.AccessLog;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Core.Selection;
using Quill.Net.Connections;
using Quill.Net.Tests.Connections;
using Quill.Net.Udp;

namespace Quill.Net.Tests.Udp;

/// <summary>
/// A takeover's UDP steps between two intakes in one process, each with its own selector and registry as two quills
/// have: the first pauses reading and hands over its sessions, the second adopts them on a duplicate of the listen
/// socket and carries them on, answered or not.
/// </summary>
public sealed partial class UdpIntakeHandOverTests : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IDisposable> _owned = [];
    private readonly List<Task> _running = [];

    private (UdpIntake Intake, ServerSelector Selector, ConnectionRegistry Registry) Intake(int? listenDescriptor, IConnectionLog? log,
        params IPEndPoint[] servers)
    {
        var states = servers.Select(s => new ServerState(new ServerSpec(s.ToString(), "127.0.0.1", s.Port, null), s)).ToList();
        var selector = new ServerSelector(new ServerTable(states, null, null), new ClientTable(100, TimeProvider.System),
            new SelectionSettings { Flags = SelectionFlags.RoundRobin, BlacklistSeconds = 30 }, TimeProvider.System);
        var registry = new ConnectionRegistry(100);
        var services = new ConnectionServices(
            selector, registry, new RuntimeSettings(new QuillOptions { Foreground = true }), new LifecycleFixture.RecordingLog())
        {
            ConnectionLog = log,
        };
        var intake = listenDescriptor is { } fd
            ? UdpIntake.FromDescriptor(fd, services, new UdpIntakeOptions(), TimeProvider.System)
            : UdpIntake.Open(new IPEndPoint(IPAddress.Loopback, 0), services, new UdpIntakeOptions(), TimeProvider.System);
        _owned.Add(intake);
        return (intake, selector, registry);
    }

    private void Run(UdpIntake intake) => _running.Add(intake.RunAsync(_stop.Token));

    private Socket Socket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _owned.Add(socket);
        return socket;
    }

    private static async Task<(string Text, IPEndPoint From)> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[65535];
        var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).WaitAsync(Loopback.Timeout);
        return (Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes), (IPEndPoint)result.RemoteEndPoint);
    }

    private static Task SendAsync(Socket socket, EndPoint to, string text) =>
        socket.SendToAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, to);

    [Fact]
    public async Task HandOver_AnsweredAndUnansweredSessions_GoOnInTheNextIntakeOnTheirOwnSockets()
    {
        using var answering = new UdpNameServer("a");
        var silent = Socket();
        var servers = new[] { answering.EndPoint, (IPEndPoint)silent.LocalEndPoint! };
        var accessLog = new RecordingConnectionLog();
        var (old, oldSelector, _) = Intake(null, accessLog, servers);
        Run(old);
        var listen = old.LocalEndPoint;
        // Round robin starts at server 1: the first session waits on the silent server, the second is answered.
        var waiting = Socket();
        await SendAsync(waiting, listen, "first");
        var (datagram, upstream) = await ReceiveAsync(silent);
        var talking = Socket();
        await SendAsync(talking, listen, "one");
        var before = (await ReceiveAsync(talking)).Text;

        await old.PauseReading();
        var moved = await old.HandOverAsync();
        var (next, nextSelector, nextRegistry) = Intake(dup(old.Descriptor), null, servers);
        foreach (var session in moved) next.Adopt(session);
        old.LetGo();
        Run(next);

        Assert.Equal(2, moved.Count);
        Assert.Equal(0, old.SessionCount);
        // The JSON access log's line for each is left to the intake where it ends, with the record so far.
        Assert.Empty(accessLog.Records);
        Assert.All(moved, session => Assert.NotNull(session.Connection.Watchers.Log));
        Assert.Equal(0, oldSelector.Servers[0]!.Connections + oldSelector.Servers[1]!.Connections);
        Assert.Equal(2, next.SessionCount);
        Assert.Equal(1, nextSelector.Servers[0]!.Connections);
        Assert.Equal(1, nextSelector.Servers[1]!.Connections);
        // The same upstream socket (the server sees the same port), from the listen address.
        await SendAsync(talking, listen, "two");
        var after = await ReceiveAsync(talking);
        Assert.Equal(listen, after.From);
        Assert.Equal($"{before.Split(' ')[1]} two", after.Text[2..]);
        // The silent server's late answer to the first datagram reaches its client through the next intake, which
        // counts the session connected then.
        Assert.Equal("first", datagram);
        Assert.Equal([1, 2], States(nextRegistry).Order());
        await silent.SendToAsync("late"u8.ToArray(), SocketFlags.None, upstream);
        var late = await ReceiveAsync(waiting);
        Assert.Equal(("late", listen), (late.Text, (EndPoint)late.From));
        Assert.True(SpinWait.SpinUntil(() => States(nextRegistry).All(state => state == 2), Loopback.Timeout));
    }

    [Fact]
    public async Task ResumeReading_AfterAPause_TheDatagramsThatWaitedStartTheirSessions()
    {
        using var server = new UdpNameServer("a");
        var (intake, _, _) = Intake(null, null, server.EndPoint);
        Run(intake);
        var client = Socket();

        await intake.PauseReading();
        await SendAsync(client, intake.LocalEndPoint, "waited");
        intake.ResumeReading();

        Assert.EndsWith(" waited", (await ReceiveAsync(client)).Text);
        Assert.Equal(1, intake.SessionCount);
    }

    /// <summary>The two sessions' states as <c>connection N</c> shows them: 1 connecting, 2 connected.</summary>
    private static int[] States(ConnectionRegistry registry) => [registry.Find(0)?.State ?? 0, registry.Find(1)?.State ?? 0];

    private sealed class RecordingConnectionLog : IConnectionLog
    {
        private readonly List<ConnectionRecord> _records = [];

        public IReadOnlyList<ConnectionRecord> Records
        {
            get
            {
                lock (_records) return [.. _records];
            }
        }

        public bool Enabled => true;

        public void Write(ConnectionRecord record)
        {
            lock (_records) _records.Add(record);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(Loopback.Timeout);
        foreach (var owned in _owned) owned.Dispose();
    }
}
