using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Net.Engine;
using Quill.Net.Listening;

namespace Quill.Net.Tests.Engine;

/// <summary>
/// A real <see cref="RelayEngine"/> on a loopback listener, with a host that relays every client to
/// <see cref="Server"/> and records what the engine reports.
/// </summary>
internal sealed class EngineFixture : IRelayEngineHost, IRelayOwner, IDisposable
{
    private static readonly RelaySettings Settings = new(TimeSpan.FromSeconds(5), true, false, null, TimeSpan.Zero, FastClose.Off);

    private readonly ConnectionListener _listener;
    private readonly RelayEngine _engine;
    private readonly SemaphoreSlim _closed = new(0);
    private volatile bool _room = true;
    private int _accepted;

    public EngineFixture(EndPoint server, int loops = 2)
    {
        Server = server;
        _listener = ConnectionListener.Open(new IPEndPoint(IPAddress.Loopback, 0), 128);
        _engine = new RelayEngine(this, loops, multiAccept: 100, e => Errors.Enqueue(e), TimeProvider.System);
        _engine.Start();
        _engine.Listen(_listener);
    }

    public EndPoint Listen => _listener.LocalEndPoint;

    public EndPoint Server { get; }

    public RelayEngine Engine => _engine;

    /// <summary>Where to go after a failed connect; null gives up.</summary>
    public Func<int, EndPoint?> OnConnectFailure { get; set; } = _ => null;

    public ConcurrentQueue<int> ConnectFailures { get; } = new();

    public ConcurrentQueue<(long ToServer, long ToClient)> Closes { get; } = new();

    public ConcurrentQueue<Exception> Errors { get; } = new();

    public int AcceptedCount => Volatile.Read(ref _accepted);

    public bool Room
    {
        set => _room = value;
    }

    public bool CanAccept => _room;

    public bool ClientNoDelay => true;

    public void Accepted(int fd, IPAddress? address, int port)
    {
        Interlocked.Increment(ref _accepted);
        RelayEngine.Relay(fd, Server, Settings, this);
    }

    public void AcceptFailed(int errno) => Errors.Enqueue(new InvalidOperationException($"accept: errno {errno}"));

    public void Connected(Relay relay)
    {
    }

    public EndPoint? ConnectFailed(Relay relay, int errno)
    {
        ConnectFailures.Enqueue(errno);
        return OnConnectFailure(errno);
    }

    public void Closed(Relay relay, long bytesToServer, long bytesToClient)
    {
        Closes.Enqueue((bytesToServer, bytesToClient));
        _closed.Release();
    }

    /// <summary>Waits until <paramref name="count"/> more relays have closed.</summary>
    public async Task<bool> WaitClosedAsync(int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            if (!await _closed.WaitAsync(Loopback.Timeout)) return false;
        }
        return true;
    }

    /// <param name="receiveBuffer">SO_RCVBUF, set before connecting: shrinking it later can stall TCP itself.</param>
    public async Task<Socket> ConnectAsync(int? receiveBuffer = null)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer is { } size) client.ReceiveBufferSize = size;
        await client.ConnectAsync(Listen).WaitAsync(Loopback.Timeout);
        return client;
    }

    public void Dispose()
    {
        _engine.StopAsync().Wait(Loopback.Timeout);
        _engine.Dispose();
        _listener.Dispose();
        _closed.Dispose();
    }
}
