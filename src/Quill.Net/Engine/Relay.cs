using System.Net;
using Quill.Core.Configuration;
using Quill.Net.Forwarding;
using Quill.Net.Interop;

namespace Quill.Net.Engine;

/// <summary>
/// One client connection on the event loop: a non-blocking connect to the chosen server (failing over as the owner
/// says), then both directions relayed until each has passed on its EOF, or one socket fails, or close N.
/// Everything here runs on the loop thread.
/// </summary>
public sealed unsafe class Relay : IEventTarget
{
    private const int ClientTag = 0;
    private const int ServerTag = 1;

    private readonly EngineLoop _home;
    private readonly EventLoop _loop;
    private readonly PipePool _pipes;
    private readonly IRelayOwner _owner;
    private readonly RelaySettings _settings;
    private readonly RelayEnd _client;
    private readonly RelayEnd _server = new(-1);
    private readonly RelayDirection _toServer;
    private readonly RelayDirection _toClient;
    private State _state = State.Connecting;
    private long _connectDeadline;
    private bool _timing;
    private bool _deferred;

    internal Relay(EngineLoop home, PipePool pipes, int clientFd, RelaySettings settings, IRelayOwner owner)
    {
        _home = home;
        _loop = home.Loop;
        _pipes = pipes;
        _owner = owner;
        _settings = settings;
        _client = new RelayEnd(clientFd);
        _toServer = new RelayDirection(_client, _server, settings.FastClose.HasFlag(FastClose.Down));
        _toClient = new RelayDirection(_server, _client, settings.FastClose.HasFlag(FastClose.Up));
        (_toServer.Opposite, _toClient.Opposite) = (_toClient, _toServer);
    }

    private enum State { Connecting, Relaying, Closed }

    /// <summary>-1 until a connect is under way.</summary>
    public int ServerFd => _server.Fd;

    /// <summary>When bytes last moved, for idle_timeout.</summary>
    public long LastActive { get; private set; }

    /// <summary>A half-closed connection is never closed for being idle, as in pen.</summary>
    public bool HalfClosed => _toServer.Finished || _toClient.Finished;

    /// <summary>idle_timeout as it stood when the client came; zero: none.</summary>
    public TimeSpan IdleTimeout => _settings.IdleTimeout;

    /// <summary>Registers the client and starts connecting to <paramref name="server"/>.</summary>
    internal void Start(EndPoint server)
    {
        _home.Live.Add(this);
        LastActive = _loop.Now;
        _client.Slot = _loop.Register(_client.Fd, this, ClientTag);
        if (_client.Slot < 0)
        {
            Close();
            return;
        }
        // Bytes the client sends before the server is connected wait in the kernel until then.
        _client.Readable = true;
        Connect(server);
    }

    /// <summary>Closes both sockets now (loop thread).</summary>
    internal void Abort() => Close();

    /// <summary>close N: closes the connection from any thread.</summary>
    public void RequestAbort() => _loop.Post(Close);

    void IEventTarget.OnEvents(uint events, int tag)
    {
        if (_state == State.Closed) return;
        var end = tag == ClientTag ? _client : _server;
        end.Observe(events);
        if (_state == State.Connecting)
        {
            if (tag == ClientTag)
            {
                // A client that resets while we connect is gone; a plain EOF is forwarded once connected.
                if ((events & Libc.EpollErr) != 0) Close();
                return;
            }
            if ((events & (Libc.EpollErr | Libc.EpollHup)) != 0)
            {
                FailOver(Libc.PendingError(_server.Fd) is > 0 and var errno ? errno : Libc.ECONNREFUSED);
                return;
            }
            if ((events & Libc.EpollOut) == 0) return;
            Established();
            return;
        }
        Run();
    }

    void IEventTarget.OnTurn()
    {
        if (_state == State.Closed) return;
        if (_state == State.Connecting)
        {
            if (_loop.Now >= _connectDeadline) FailOver(Libc.ETIMEDOUT);
            return;
        }
        _deferred = false;
        Run();
    }

    private void Connect(EndPoint server)
    {
        while (true)
        {
            var errno = TryConnect(server, out var connected);
            if (errno == 0)
            {
                if (connected) Established();
                else
                {
                    _connectDeadline = _loop.Now + _loop.Ticks(_settings.ConnectTimeout);
                    if (!_timing) _loop.StartTiming(this);
                    _timing = true;
                }
                return;
            }
            CloseServer();
            if (_owner.ConnectFailed(this, errno) is not { } next)
            {
                Close();
                return;
            }
            server = next;
        }
    }

    /// <summary>0 when connected or in progress (<paramref name="connected"/> says which), else errno.</summary>
    private int TryConnect(EndPoint server, out bool connected)
    {
        connected = false;
        var address = stackalloc byte[SocketAddressCodec.MaxLength];
        var length = SocketAddressCodec.Encode(server, address);
        if (length == 0) return Libc.EINVAL;
        var family = SocketAddressCodec.FamilyOf(server);
        var fd = Libc.Socket(family, Libc.SockStream);
        if (fd < 0) return -fd;
        _server.Fd = fd;
        (_server.Readable, _server.Writable, _server.PeerClosed, _server.Ending) = (false, false, false, false);
        var tcp = server is IPEndPoint;
        if (tcp)
        {
            if (_settings.NoDelay) _ = Libc.SetOption(fd, Libc.IpProtoTcp, Libc.TcpNoDelay, 1);
            if (_settings.KeepAlive) _ = Libc.SetOption(fd, Libc.SolSocket, Libc.SoKeepAlive, 1);
            if (_settings.Source is { } source && source.AddressFamily == server.AddressFamily)
            {
                var local = stackalloc byte[SocketAddressCodec.MaxLength];
                var bound = Libc.Bind(fd, local, SocketAddressCodec.Encode(new IPEndPoint(source, 0), local));
                if (bound < 0) return -bound;
            }
        }
        var result = Libc.Connect(fd, address, length);
        if (result < 0 && result != -Libc.EINPROGRESS) return -result;
        // Registered only now: a socket that has not begun to connect already reports a hang-up.
        _server.Slot = _loop.Register(fd, this, ServerTag);
        if (_server.Slot < 0) return -_server.Slot;
        connected = result == 0;
        return 0;
    }

    private void FailOver(int errno)
    {
        CloseServer();
        if (_owner.ConnectFailed(this, errno) is { } next) Connect(next);
        else Close();
    }

    private void Established()
    {
        StopTiming();
        _state = State.Relaying;
        if (_settings.IdleTimeout > TimeSpan.Zero) _home.Idle.Watch(this);
        _server.Writable = true;
        _owner.Connected(this);
        if (_state == State.Relaying) Run();
    }

    /// <summary>Pumps both directions until neither can move; ends the connection when both are done or one failed.</summary>
    private void Run()
    {
        while (_state == State.Relaying)
        {
            var up = _toServer.Pump(_loop, _pipes);
            var down = _toClient.Pump(_loop, _pipes);
            if (up == PumpOutcome.Failed || down == PumpOutcome.Failed || up == PumpOutcome.Done && down == PumpOutcome.Done)
            {
                Close();
                return;
            }
            if (up is PumpOutcome.Moved or PumpOutcome.Yield || down is PumpOutcome.Moved or PumpOutcome.Yield)
                LastActive = _loop.Now;
            if (up == PumpOutcome.Yield || down == PumpOutcome.Yield)
            {
                if (!_deferred) _loop.Defer(this);
                _deferred = true;
                return;
            }
            // One pump's progress may have unblocked the other (its destination's buffer freed): go round once more.
            if (up != PumpOutcome.Moved && down != PumpOutcome.Moved) return;
        }
    }

    private void CloseServer()
    {
        if (_server.Fd < 0) return;
        _loop.Release(_server.Slot);
        Libc.Close(_server.Fd);
        (_server.Fd, _server.Slot) = (-1, -1);
    }

    private void StopTiming()
    {
        if (!_timing) return;
        _loop.StopTiming(this);
        _timing = false;
    }

    private void Close()
    {
        if (_state == State.Closed) return;
        _state = State.Closed;
        StopTiming();
        _home.Idle.Forget(this);
        _home.Live.Remove(this);
        _toServer.Release(_pipes);
        _toClient.Release(_pipes);
        CloseServer();
        _loop.Release(_client.Slot);
        Libc.Close(_client.Fd);
        _client.Fd = -1;
        _owner.Closed(this, _toServer.Moved, _toClient.Moved);
    }
}
