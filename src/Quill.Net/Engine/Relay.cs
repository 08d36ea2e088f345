using System.Net;
using Quill.Core.Configuration;
using Quill.Net.Connections;
using Quill.Net.Interop;
using Quill.Net.Sockmap;
using Quill.Net.Takeover;
using Quill.Net.Tls;

namespace Quill.Net.Engine;

/// <summary>
/// The event-loop transport of one client, its connector and relay: non-blocking connects to the servers its
/// lifecycle asks for, then both directions relayed until each has passed on its EOF, or one socket fails, or close N.
/// Where no byte needs to be seen (no filter, no PROXY header to send), the kernel relays them instead (sockmap) and
/// the loop only passes on the ends. Everything here runs on the loop thread, except <see cref="Abort"/>.
/// With -E the client speaks TLS: once the server is connected (as in pen), the handshake runs here, driven by the
/// client socket's readiness within <see cref="TlsTermination.HandshakeTimeout"/>, and the client's end then reads
/// and writes through its session; such a relay is never the kernel's and never moves to another process.
/// </summary>
internal sealed unsafe class Relay : IEventTarget, IUpstreamConnector, IConnectionRelay
{
    private const int ClientTag = 0;
    private const int ServerTag = 1;

    /// <summary>What <see cref="EventLoop.Register"/> watches a socket for.</summary>
    private const uint AllEvents = Libc.EpollIn | Libc.EpollOut | Libc.EpollRdHup;

    /// <summary>
    /// Takeover: how long a kernel-relayed connection waits for the kernel to send the bytes it redirected already,
    /// before it moves; one not drained by then stays here until --grace.
    /// </summary>
    private static readonly TimeSpan KernelDrainLimit = TimeSpan.FromSeconds(1);

    private readonly EngineLoop _home;
    private readonly EventLoop _loop;
    private readonly PipePool _pipes;
    private readonly ConnectionLifecycle _lifecycle;
    private readonly RelayEnd _client;
    private readonly RelayEnd _server = new(-1);
    private readonly TlsTermination? _tls;
    private TlsSession? _session;
    private RelayPlan? _plan;
    private long _handshakeDeadline;
    private RelayDirection? _toServer;
    private RelayDirection? _toClient;
    private State _state = State.Connecting;
    private long _connectDeadline;
    private bool _timing;
    private bool _deferred;
    private MovedRelay? _carried;
    private int _drainLooks;
    private bool _soon;
    private ulong _clientCookie;
    private ulong _serverCookie;
    private uint _clientEvents = AllEvents;
    private uint _serverEvents = AllEvents;

    /// <summary>Takeover: Environment.TickCount64 by which a kernel-relayed connection must have drained to move; 0 while
    /// not leaving; -1 once it gave up for this takeover.</summary>
    private long _leaveDeadline;

    /// <param name="tls">-E: the client speaks TLS, terminated here; null: plain bytes.</param>
    public Relay(EngineLoop home, PipePool pipes, int clientFd, ConnectionLifecycle lifecycle, TlsTermination? tls = null)
    {
        _tls = tls;
        _home = home;
        _loop = home.Loop;
        _pipes = pipes;
        _lifecycle = lifecycle;
        _client = new RelayEnd(clientFd);
    }

    private enum State { Connecting, Handshaking, Relaying, Closed }

    /// <summary>When bytes last moved, for idle_timeout.</summary>
    public long LastActive { get; private set; }

    /// <summary>A half-closed connection is never closed for being idle, as in pen.</summary>
    public bool HalfClosed => _toServer is { Finished: true } || _toClient is { Finished: true };

    /// <summary>Still connecting to a server: it can move only once connected (a TLS relay never can).</summary>
    public bool Connecting => _state == State.Connecting && _tls is null;

    /// <summary>idle_timeout as it stood when the client came; zero: none.</summary>
    public TimeSpan IdleTimeout => _lifecycle.Settings.IdleTimeout;

    public void Connect(in ConnectRequest request)
    {
        if (_state == State.Closed) return;
        if (_client.Slot < 0 && !Open()) return;
        int errno;
        var connected = false;
        if (request.Idler is { } idler)
        {
            var fd = Libc.Adopt(idler.Socket);
            _server.Fd = fd;
            errno = fd < 0 ? -fd : Register();
            connected = errno == 0;
        }
        else
        {
            errno = TryConnect(request.Target, request.TransparentFrom, out connected);
        }
        if (errno != 0)
        {
            FailOver(errno);
            return;
        }
        if (connected)
        {
            Established();
            return;
        }
        _connectDeadline = _loop.Now + _loop.Ticks(_lifecycle.Settings.ConnectTimeout);
        StartTiming();
    }

    /// <summary>Takeover, new side (loop thread): carries on relaying a connection the previous process handed over.</summary>
    public void Resume(MovedRelay moved)
    {
        (_carried, _server.Fd) = (moved, moved.ServerFd);
        _lifecycle.Adopt(this, this, moved.Connection, moved.ClientFd, moved.ServerFd);
    }

    public void Start(RelayPlan plan)
    {
        if (_tls is not null && _client.Tls is null)
        {
            BeginHandshake(plan);
            return;
        }
        if (_carried is not null && (!Open() || Register() != 0))
        {
            Close();
            return;
        }
        _state = State.Relaying;
        var toServer = _toServer = new RelayDirection(_client, _server, plan.FastClose.HasFlag(FastClose.Down), plan.Filter, null, plan.Traffic, toServer: true);
        var toClient = _toClient = new RelayDirection(_server, _client, plan.FastClose.HasFlag(FastClose.Up), null, plan.Responses, plan.Traffic,
            toServer: false);
        (toServer.Opposite, toClient.Opposite) = (toClient, toServer);
        if (_carried is null && plan.Filter is null && plan.Proxy is null && _tls is null) HandToKernel();
        if (plan.IdleTimeout > TimeSpan.Zero) _home.Idle.Watch(this);
        _server.Writable = true;
        if (_carried is { } carried)
        {
            toServer.Restore(carried.ToServer);
            toClient.Restore(carried.ToClient);
            // Whatever came while the connection moved waits in the kernel: look once, EAGAIN says if not.
            (_server.Readable, _client.Writable, _carried) = (true, true, null);
        }
        else if (plan.Proxy is { } proxy && toServer.Preface(proxy.Encode(_client.Tls?.ProxyDetails())) < 0)
        {
            Close();
            return;
        }
        Run();
    }

    /// <summary>
    /// Takeover, old side (loop thread): takes a relaying plain connection out of this process without closing its
    /// sockets, with what it holds and what its watchers (-H, the access logs) have seen; its counters are brought up to
    /// date and it leaves the registry. Null when it cannot move (yet): still connecting, or the kernel relays it and
    /// has not given it back (see <see cref="LeaveKernel"/>; <see cref="LeavingKernel"/> says whether to ask again).
    /// </summary>
    internal MovedRelay? HandOver()
    {
        // OpenSSL's state of a TLS connection cannot move: it stays here until --grace.
        if (_tls is not null) return null;
        if (_state != State.Relaying) return null;
        if (InKernel && !LeaveKernel()) return null;
        // First, while the relay is still whole: when a pipe cannot be emptied (IOException), the caller's AbortNow must
        // find it open to close it, not a connection already taken out of the loop and left unwatched.
        var up = _toServer!.HandOver(_pipes);
        var down = _toClient!.HandOver(_pipes);
        _state = State.Closed;
        StopTiming();
        _home.Idle.Forget(this);
        _home.Live.Remove(this);
        _loop.Remove(_client.Fd, _client.Slot);
        _loop.Remove(_server.Fd, _server.Slot);
        return new MovedRelay(_client.Fd, _server.Fd, _lifecycle.HandedOver(), up, down);
    }

    public void Refuse() => Close();

    /// <summary>Takeover: the kernel is giving the connection back; a later pass moves it (or it stays, past the deadline).</summary>
    public bool LeavingKernel => _state == State.Relaying && _leaveDeadline > 0;

    /// <summary>A new takeover begins: a connection that gave up leaving the kernel in an earlier one tries again.</summary>
    public void MayLeaveKernel()
    {
        if (_leaveDeadline < 0) _leaveDeadline = 0;
    }

    /// <summary>
    /// Takeover, one pass: makes a kernel-relayed connection the event loop's again, so it can move like any other. The
    /// first pass stops the kernel redirecting both sockets; the bytes it redirected already are sent out of the
    /// other socket (its work queue does that within microseconds unless the destination is slow), which later passes
    /// look for until <see cref="KernelDrainLimit"/>; then both leave the sockhash. Bytes that came after the pause
    /// wait in the receive queues, unread, for the next process. Not drained in time: the kernel takes the connection
    /// back and it stays here until --grace. Never waits on the loop thread.
    /// </summary>
    private bool LeaveKernel()
    {
        if (_leaveDeadline < 0) return false;
        if (_leaveDeadline == 0)
        {
            _leaveDeadline = Environment.TickCount64 + (long)KernelDrainLimit.TotalMilliseconds;
            if (!(_toServer!.PauseKernel() && _toClient!.PauseKernel()))
            {
                StayInKernel();
                return false;
            }
        }
        if (!(_toServer!.KernelDrained && _toClient!.KernelDrained))
        {
            if (Environment.TickCount64 >= _leaveDeadline) StayInKernel();
            return false;
        }
        _leaveDeadline = 0;
        _toServer.LeaveKernel();
        _toClient.LeaveKernel();
        _home.Sockmap!.Leave(_client.Fd, _server.Fd);
        ForgetKernel();
        return true;
    }

    /// <summary>
    /// Takeover: gives up leaving the kernel (a destination that does not take its bytes, or a pause that never read
    /// clean); both directions are undone (the first failing must not leave the other paused), and backpressure
    /// decides whether each source goes on now.
    /// </summary>
    private void StayInKernel()
    {
        _leaveDeadline = -1;
        _toServer!.UnpauseKernel();
        _toClient!.UnpauseKernel();
        Run();
    }

    /// <summary>The kernel relays at least one direction.</summary>
    public bool InKernel => _toClient is { InKernel: true } || _toServer is { InKernel: true };

    /// <summary>
    /// A kernel-relayed connection counts what the kernel moved since it last looked, and learns when bytes last
    /// arrived (for idle_timeout).
    /// </summary>
    internal void Recount()
    {
        if (!InKernel || _state != State.Relaying) return;
        // A takeover that stopped asking (it failed, or ran out of passes) must not leave the connection paused.
        if (_leaveDeadline > 0 && Environment.TickCount64 >= _leaveDeadline)
        {
            StayInKernel();
            if (_state != State.Relaying) return;
        }
        _toServer!.Recount();
        _toClient!.Recount();
        WatchKernel();
        var quiet = Math.Min(_toServer.KernelQuietMs, _toClient.KernelQuietMs);
        if (quiet == uint.MaxValue) return;
        LastActive = Math.Max(LastActive, _loop.Now - _loop.Ticks(TimeSpan.FromMilliseconds(quiet)));
    }

    /// <summary>
    /// The verdict program has spent the budget of the source named <paramref name="sourceCookie"/> (from the loop that
    /// reads its ring, any loop): its direction refills it or pauses the source.
    /// </summary>
    internal void BudgetSpent(ulong sourceCookie)
    {
        if (EngineLoop.Current != _home)
        {
            _loop.Post(() => BudgetSpent(sourceCookie));
            return;
        }
        if (_state != State.Relaying) return;
        (sourceCookie == _clientCookie ? _toServer : _toClient)!.KernelBudgetSpent();
        WatchKernel();
    }

    /// <summary>close N: closes the connection from any thread.</summary>
    public void Abort() => _loop.Post(Close);

    /// <summary>Closes both sockets now (loop thread: idle timeout, stop).</summary>
    internal void AbortNow() => Close();

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
        if (_state == State.Handshaking)
        {
            // What the server sends or does meanwhile waits, flagged in its end, for the relay.
            if (tag == ClientTag) Handshake();
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
        if (_state == State.Handshaking)
        {
            if (_loop.Now >= _handshakeDeadline) Close("timeout", "no handshake within the time limit");
            return;
        }
        (_deferred, _soon) = (false, false);
        Run();
    }

    /// <summary>
    /// Offers the connection to the kernel (sockmap), before anything was read from either socket. What it takes, the
    /// loop no longer moves; when it takes both directions, epoll wakes the loop only for the ends.
    /// </summary>
    private void HandToKernel()
    {
        if (_home.Pressure is not { } pressure) return;
        var sockmap = pressure.Sockmap;
        if (_toServer!.PrepareForKernel() is not { } up || _toClient!.PrepareForKernel() is not { } down) return;
        var joined = sockmap.Join(_client.Fd, _server.Fd, out _clientCookie, out _serverCookie);
        if (joined == SockmapJoin.None)
        {
            (_clientCookie, _serverCookie) = (0, 0);
            return;
        }
        _toClient.HandToKernel(down, new SockmapPressure(sockmap, down, _serverCookie));
        pressure.Watch(_serverCookie, this);
        if (joined == SockmapJoin.Both)
        {
            _toServer.HandToKernel(up, new SockmapPressure(sockmap, up, _clientCookie));
            pressure.Watch(_clientCookie, this);
        }
        WatchKernel();
        _home.Kernel.Watch(this);
    }

    /// <summary>
    /// What epoll wakes the loop for follows what the kernel relays: with both directions in the kernel, only a
    /// socket's FIN or failure, and its EPOLLOUT while the direction it receives is paused (backpressure); with one
    /// direction the loop's, everything (a direction stranded by backpressure is the loop's: see
    /// <see cref="RelayDirection.KernelPaused"/>). An epoll_ctl only when that changes.
    /// </summary>
    private void WatchKernel()
    {
        var endsOnly = _toServer!.InKernel && _toClient!.InKernel;
        var client = endsOnly ? Libc.EpollRdHup | (_toClient!.KernelPaused ? Libc.EpollOut : 0) : AllEvents;
        var server = endsOnly ? Libc.EpollRdHup | (_toServer.KernelPaused ? Libc.EpollOut : 0) : AllEvents;
        if (client != _clientEvents) _ = _loop.Rewatch(_client.Fd, _client.Slot, ClientTag, _clientEvents = client);
        if (server != _serverEvents) _ = _loop.Rewatch(_server.Fd, _server.Slot, ServerTag, _serverEvents = server);
    }

    /// <summary>The kernel relays the connection no more (it closed or left): its sockets' budgets and sweep go.</summary>
    private void ForgetKernel()
    {
        _home.Kernel.Forget(this);
        _home.Pressure!.Forget(_clientCookie);
        _home.Pressure.Forget(_serverCookie);
        _home.Sockmap!.ForgetBudgets(_clientCookie, _serverCookie);
        (_clientCookie, _serverCookie) = (0, 0);
    }

    /// <summary>Registers the client: bytes it sends before the server is connected wait in the kernel until then.</summary>
    private bool Open()
    {
        _home.Live.Add(this);
        LastActive = _loop.Now;
        _client.Slot = _loop.Register(_client.Fd, this, ClientTag);
        if (_client.Slot < 0)
        {
            Close();
            return false;
        }
        _client.Readable = true;
        return true;
    }

    /// <summary>0 when connected or in progress (<paramref name="connected"/> says which), else errno.</summary>
    private int TryConnect(EndPoint server, IPAddress? transparentFrom, out bool connected)
    {
        connected = false;
        var address = stackalloc byte[SocketAddressCodec.MaxLength];
        var length = SocketAddressCodec.Encode(server, address);
        if (length == 0) return Libc.EINVAL;
        var fd = Libc.Socket(SocketAddressCodec.FamilyOf(server), Libc.SockStream);
        if (fd < 0) return -fd;
        _server.Fd = fd;
        if (server is IPEndPoint)
        {
            var settings = _lifecycle.Settings;
            if (settings.NoDelay) _ = Libc.SetOption(fd, Libc.IpProtoTcp, Libc.TcpNoDelay, 1);
            if (settings.KeepAlive) _ = Libc.SetOption(fd, Libc.SolSocket, Libc.SoKeepAlive, 1);
            var from = transparentFrom ?? (settings.Source?.AddressFamily == server.AddressFamily ? settings.Source : null);
            if (transparentFrom is not null)
            {
                var set = Libc.SetOption(fd, Libc.SolIp, Libc.IpTransparent, 1);
                if (set < 0) return -set;
            }
            if (from is not null)
            {
                var local = stackalloc byte[SocketAddressCodec.MaxLength];
                var bound = Libc.Bind(fd, local, SocketAddressCodec.Encode(new IPEndPoint(from, 0), local));
                if (bound < 0) return -bound;
            }
        }
        var result = Libc.Connect(fd, address, length);
        if (result < 0 && result != -Libc.EINPROGRESS) return -result;
        var registered = Register();
        connected = registered == 0 && result == 0;
        return registered;
    }

    /// <summary>Registered only once connecting: a socket that has not begun to connect already reports a hang-up.</summary>
    private int Register()
    {
        (_server.Readable, _server.Writable, _server.PeerClosed, _server.Ending) = (false, false, false, false);
        _server.Slot = _loop.Register(_server.Fd, this, ServerTag);
        return _server.Slot < 0 ? -_server.Slot : 0;
    }

    private void FailOver(int errno)
    {
        CloseServer();
        StopTiming();
        _lifecycle.ConnectFailed(ConnectFailure.OfErrno(errno));
    }

    private void Established()
    {
        StopTiming();
        _lifecycle.Connected(_server.Fd);
    }

    /// <summary>The server is connected: the client's TLS handshake begins, on the clock.</summary>
    private void BeginHandshake(RelayPlan plan)
    {
        (_plan, _state) = (plan, State.Handshaking);
        _session = _tls!.Accept(_client.Fd);
        if (_session is null)
        {
            Close("io", "OpenSSL cannot make a session");
            return;
        }
        _handshakeDeadline = _loop.Now + _loop.Ticks(TlsTermination.HandshakeTimeout);
        if (!_timing) _loop.StartTiming(this);
        _timing = true;
        Handshake();
    }

    /// <summary>Takes the handshake as far as the client socket allows; once done, the relay starts.</summary>
    private void Handshake()
    {
        var session = _session!;
        switch (session.Handshake())
        {
            case TlsStep.Done:
                StopTiming();
                _lifecycle.TlsHandshakeEnded(null, session.Version, session.ServerName);
                // Bytes the client sent after its Finished may be queued already, their edge consumed by the handshake.
                (_client.Tls, _client.Readable, _client.Writable) = (session, true, true);
                Start(_plan!);
                break;
            case TlsStep.Failed:
                Close(session.FailureReason, session.FailureText);
                break;
        }
    }

    /// <summary>Pumps both directions until neither can move; ends the connection when both are done or one failed.</summary>
    private void Run()
    {
        while (_state == State.Relaying)
        {
            var up = _toServer!.Pump(_loop, _pipes);
            var down = _toClient!.Pump(_loop, _pipes);
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
            if (up != PumpOutcome.Moved && down != PumpOutcome.Moved)
            {
                if (_serverCookie != 0) WatchKernel();
                if (_toServer.Draining || _toClient.Draining) LookAgainSoon();
                else StopTiming();
                if (_toServer.KernelLookDue || _toClient.KernelLookDue) LookSoon();
                return;
            }
        }
    }

    /// <summary>
    /// A FIN waits for the kernel to send the bytes before it, which its work queue does within microseconds unless the
    /// destination is slow: look again on the next turns a few times, then every tick.
    /// </summary>
    private void LookAgainSoon()
    {
        const int quickLooks = 64;
        if (_drainLooks++ < quickLooks)
        {
            if (!_deferred) _loop.Defer(this);
            _deferred = true;
            return;
        }
        StartTiming();
    }

    /// <summary>A paused direction's destination is taking bytes: look again in a millisecond, once.</summary>
    private void LookSoon()
    {
        if (_soon) return;
        _soon = true;
        _loop.Soon(this);
    }

    /// <summary>Looks again every tick until <see cref="StopTiming"/>.</summary>
    private void StartTiming()
    {
        if (!_timing) _loop.StartTiming(this);
        _timing = true;
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

    private void Close() => Close("closed", null);

    /// <param name="handshakeFailure">Why, if the TLS handshake was still going on: a reason for /metrics.</param>
    /// <param name="why">The same for the debug log; null: not worth a line (close N, a stop).</param>
    private void Close(string handshakeFailure, string? why)
    {
        if (_state == State.Closed) return;
        if (_state == State.Handshaking) _lifecycle.TlsHandshakeEnded(handshakeFailure, failureText: why);
        _state = State.Closed;
        StopTiming();
        _home.Idle.Forget(this);
        _home.Live.Remove(this);
        if (InKernel)
        {
            _toServer!.Recount();
            _toClient!.Recount();
        }
        _toServer?.Release(_pipes);
        _toClient?.Release(_pipes);
        CloseServer();
        _session?.Dispose();
        _loop.Release(_client.Slot);
        Libc.Close(_client.Fd);
        _client.Fd = -1;
        // After the sockets, which leave the sockhash as they close: a last skb would make the program create a budget again.
        if (_serverCookie != 0) ForgetKernel();
        _lifecycle.Ended();
    }
}
