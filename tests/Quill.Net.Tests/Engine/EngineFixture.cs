using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Quill.Net.Connections;
using Quill.Net.Engine;
using Quill.Net.Listening;
using Quill.Net.Sockmap;
using Quill.Net.Tests.Connections;

namespace Quill.Net.Tests.Engine;

/// <summary>
/// A real <see cref="RelayEngine"/> on a loopback listener whose host gives every client a real
/// <see cref="ConnectionLifecycle"/> over <see cref="Servers"/> (round robin: the first client goes to server 1, then
/// failover in index order), and records what the engine reports.
/// </summary>
internal sealed class EngineFixture : IRelayEngineHost, IDisposable
{
    private readonly ConnectionListener _listener;
    private readonly RelayEngine _engine;
    private readonly SemaphoreSlim _closed = new(0);
    private readonly Action _ended;
    private volatile bool _room = true;
    private int _accepted;
    private int _closes;

    public EngineFixture(EndPoint server, int loops = 2, TimeProvider? time = null, bool sockmap = false)
        : this([server], loops, time, sockmap)
    {
    }

    /// <param name="sockmap">The kernel relays plain connections (the test fails if it refuses).</param>
    public EngineFixture(IReadOnlyList<EndPoint> servers, int loops = 2, TimeProvider? time = null, bool sockmap = false)
    {
        time ??= TimeProvider.System;
        Servers = new LoopbackServices(servers, time);
        _ended = () =>
        {
            Interlocked.Increment(ref _closes);
            _closed.Release();
        };
        _listener = ConnectionListener.Open(new IPEndPoint(IPAddress.Loopback, 0), 128);
        var kernel = sockmap
            ? SockmapRelay.TryOpen(100, Servers.Services.Counters, out var refusal) ?? throw new InvalidOperationException($"sockmap: {refusal}")
            : null;
        _engine = new RelayEngine(this, loops, multiAccept: 100, e => Errors.Enqueue(e), time, kernel);
        _engine.Start();
        _engine.Listen(_listener);
    }

    public EndPoint Listen => _listener.LocalEndPoint;

    public LoopbackServices Servers { get; }

    public RelayEngine Engine => _engine;

    public ConcurrentQueue<Exception> Errors { get; } = new();

    /// <summary>The connections opened so far, in accept order.</summary>
    public ConcurrentQueue<ConnectionLifecycle> Lifecycles { get; } = new();

    public int AcceptedCount => Volatile.Read(ref _accepted);

    public int ClosedCount => Volatile.Read(ref _closes);

    public bool Room
    {
        set => _room = value;
    }

    public bool CanAccept => _room;

    public bool ClientNoDelay => true;

    /// <summary>-E: clients accepted from now on speak TLS.</summary>
    public Quill.Net.Tls.TlsTermination? Tls { get; set; }

    public void Accepted(int fd, IPAddress? address, int port)
    {
        Interlocked.Increment(ref _accepted);
        var services = Servers.Services;
        var tls = Tls;
        var lifecycle = new ConnectionLifecycle(services, address, port, services.SettingsForNewClient(),
            tls is null ? ConnectionKind.Tcp : ConnectionKind.Tls, _ended);
        Lifecycles.Enqueue(lifecycle);
        var relay = RelayEngine.RelayFor(fd, lifecycle, tls);
        lifecycle.Start(relay, relay, fd);
    }

    public int LimitsReached;

    public void LimitReached() => Interlocked.Increment(ref LimitsReached);

    public void AcceptFailed(int errno) => Errors.Enqueue(new InvalidOperationException($"accept: errno {errno}"));

    /// <summary>Waits until <paramref name="count"/> more connections have ended.</summary>
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
