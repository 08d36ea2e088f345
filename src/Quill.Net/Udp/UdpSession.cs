using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Quill.Net.Connections;
using Quill.Net.Takeover;

namespace Quill.Net.Udp;

/// <summary>
/// One client address and port, the UDP transport of its <see cref="ConnectionLifecycle"/>: a connect is an upstream
/// socket connected to the server with the client's first datagram sent on it (kept until the server answers, so a
/// refusal can send it to the next server); the server's first answer is the lifecycle's Connected; then datagrams
/// go both ways until the session is idle, closed, or makes room. A server that refuses later (ICMP port
/// unreachable) fails the session over as a refused connect would. A takeover hands the session, upstream socket and
/// all, to the next process (<see cref="HandOverAsync"/>), where <see cref="Resume"/> carries it on.
/// </summary>
internal sealed class UdpSession : IUpstreamConnector, IConnectionRelay
{
    private readonly UdpIntake _intake;
    private readonly Lock _gate = new();
    /// <summary>Cancelled when the session moves: its reply loops stop without taking another datagram.</summary>
    private readonly CancellationTokenSource _moving = new();
    private Task _replies = Task.CompletedTask;
    private byte[]? _firstDatagram;
    private int _firstLength;
    private TrafficCounter? _traffic;
    private long _sentBeforeAnswer;
    private bool _answered;
    private bool _ended;

    public UdpSession(UdpIntake intake, SocketAddress clientAddress, IPEndPoint client, ConnectionLifecycle lifecycle, long now)
    {
        _intake = intake;
        ClientAddress = clientAddress;
        Client = client;
        Lifecycle = lifecycle;
        LastActivity = now;
    }

    public SocketAddress ClientAddress { get; }

    public IPEndPoint Client { get; }

    public ConnectionLifecycle Lifecycle { get; }

    public Socket? Upstream { get; private set; }

    /// <summary>Stops the reply loops when the session moves to the next process.</summary>
    public CancellationToken Moving => _moving.Token;

    /// <summary>Timestamp (TimeProvider ticks) of the last datagram either way.</summary>
    public long LastActivity { get; set; }

    public bool Ended
    {
        get { lock (_gate) return _ended; }
    }

    /// <summary>Keeps the first datagram until the server answers, so a refusal can send it to the next server.</summary>
    public void KeepFirst(ReadOnlySpan<byte> datagram)
    {
        _firstDatagram = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(_firstDatagram);
        _firstLength = datagram.Length;
    }

    public void Connect(in ConnectRequest request)
    {
        Socket socket;
        try
        {
            socket = new Socket(request.Target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        }
        catch (SocketException e)
        {
            Lifecycle.ConnectFailed(ConnectFailure.Of(e.SocketErrorCode));
            return;
        }
        try
        {
            // A UDP connect fails only when there is no route.
            socket.Connect(request.Target);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            Lifecycle.ConnectFailed(ConnectFailure.Of(e.SocketErrorCode));
            return;
        }
        lock (_gate)
        {
            if (_ended)
            {
                socket.Dispose();
                return;
            }
            Upstream?.Dispose();
            Upstream = socket;
            _replies = _intake.StartReplies(this, socket);
        }
        try
        {
            lock (_gate)
            {
                if (_firstDatagram is not null) socket.Send(_firstDatagram.AsSpan(0, _firstLength));
            }
        }
        catch (SocketException)
        {
            // The reply loop of this socket sees the same error and fails over again.
        }
    }

    public void Start(RelayPlan plan)
    {
        lock (_gate)
        {
            if (_traffic is not null) return;
            _traffic = plan.Traffic;
            if (_sentBeforeAnswer > 0) _traffic.ToServer(_sentBeforeAnswer);
        }
    }

    public void Refuse() => _intake.End(this, "no server accepts it");

    public void Abort() => ThreadPool.QueueUserWorkItem(static session => session._intake.End(session, "closed by the control port"), this, false);

    /// <summary>A datagram from the client reached the server.</summary>
    public void Sent(int bytes)
    {
        lock (_gate)
        {
            if (_traffic is { } traffic) traffic.ToServer(bytes);
            else _sentBeforeAnswer += bytes;
        }
    }

    /// <summary>The server answered: its first answer completes the connect (the lifecycle hears of it once).</summary>
    public void Answered(Socket upstream, int bytes)
    {
        bool first;
        lock (_gate)
        {
            first = !_answered && ReferenceEquals(Upstream, upstream) && !_ended;
            if (first)
            {
                _answered = true;
                ReleaseFirst();
            }
        }
        if (first) Lifecycle.Connected((long)upstream.SafeHandle.DangerousGetHandle());
        lock (_gate) _traffic?.ToClient(bytes);
    }

    /// <summary>The server refused: fail over, as a refused connect does; the next answer counts as connected again.</summary>
    public void Refused(Socket upstream, string reason)
    {
        lock (_gate)
        {
            if (_ended || !ReferenceEquals(Upstream, upstream)) return;
            _answered = false;
        }
        Lifecycle.ConnectFailed(new ConnectFailure(reason));
    }

    /// <summary>Closes the upstream socket; only the first call does anything, and the lifecycle hears of it.</summary>
    public bool End()
    {
        lock (_gate)
        {
            if (_ended) return false;
            _ended = true;
            Upstream?.Dispose();
            ReleaseFirst();
        }
        Lifecycle.Ended();
        return true;
    }

    /// <summary>
    /// Takeover, old side: takes the session out of this process with its upstream socket (a duplicate descriptor;
    /// this process's own is let go untouched), once its reply loops have stopped, so every reply taken from the
    /// server has gone to the client and counted; what comes after waits in the socket. Its lifecycle ends here,
    /// counted. Null when it has ended meanwhile, or its socket cannot be duplicated (it then ends).
    /// </summary>
    /// <param name="idle">How long it has been idle, which the next process counts on from.</param>
    public async Task<MovedSession?> HandOverAsync(TimeSpan idle)
    {
        lock (_gate)
        {
            if (_ended) return null;
            // Ended here: a close N, the idle timeout or a failover meanwhile leaves the socket alone.
            _ended = true;
        }
        await _moving.CancelAsync().ConfigureAwait(false);
        // A failover that began before the session was marked may have started a loop on a new socket: wait for that too.
        Task replies;
        do
        {
            replies = CurrentReplies();
            await replies.ConfigureAwait(false);
        } while (!ReferenceEquals(replies, CurrentReplies()));

        var upstream = Upstream;
        var fd = upstream is null ? -1 : Interop.Libc.Detach(upstream);
        if (fd < 0)
        {
            upstream?.Dispose();
            ReleaseFirst();
            Lifecycle.Ended();
            return null;
        }
        byte[] first;
        long uncounted;
        bool answered;
        lock (_gate)
        {
            first = _firstDatagram is null ? [] : _firstDatagram.AsSpan(0, _firstLength).ToArray();
            uncounted = _traffic is null ? _sentBeforeAnswer : 0;
            answered = _answered;
            ReleaseFirst();
        }
        var address = ClientAddress.Buffer[..ClientAddress.Size].ToArray();
        return new MovedSession(fd, address, Lifecycle.HandedOver(), answered, uncounted, first, idle);
    }

    /// <summary>
    /// Takeover, new side (or the old one taking it back): carries on a session the previous process handed over, on
    /// <paramref name="upstream"/>, the same socket; its lifecycle adopts it and its replies are relayed again.
    /// </summary>
    /// <param name="listenDescriptor">The listen socket's number, shown as the session's client side.</param>
    public void Resume(Socket upstream, MovedSession moved, long listenDescriptor)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(moved);
        lock (_gate)
        {
            Upstream = upstream;
            _answered = moved.Answered;
            _sentBeforeAnswer = moved.SentUncounted;
            if (moved.FirstDatagram.Length > 0) KeepFirst(moved.FirstDatagram);
        }
        Lifecycle.Adopt(this, this, moved.Connection, listenDescriptor, (long)upstream.SafeHandle.DangerousGetHandle(), moved.Answered);
        lock (_gate)
        {
            if (!_ended) _replies = _intake.StartReplies(this, upstream);
        }
    }

    private Task CurrentReplies()
    {
        lock (_gate) return _replies;
    }

    private void ReleaseFirst()
    {
        if (_firstDatagram is not null) ArrayPool<byte>.Shared.Return(_firstDatagram);
        _firstDatagram = null;
    }
}
