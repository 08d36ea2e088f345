using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Quill.Net.Connections;

namespace Quill.Net.Udp;

/// <summary>
/// One client address and port, the UDP transport of its <see cref="ConnectionLifecycle"/>: a connect is an upstream
/// socket connected to the server with the client's first datagram sent on it (kept until the server answers, so a
/// refusal can send it to the next server); the server's first answer is the lifecycle's Connected; then datagrams
/// go both ways until the session is idle, closed, or makes room. A server that refuses later (ICMP port
/// unreachable) fails the session over as a refused connect would.
/// </summary>
internal sealed class UdpSession : IUpstreamConnector, IConnectionRelay
{
    private readonly UdpIntake _intake;
    private readonly Lock _gate = new();
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
        }
        _intake.StartReplies(this, socket);
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

    private void ReleaseFirst()
    {
        if (_firstDatagram is not null) ArrayPool<byte>.Shared.Return(_firstDatagram);
        _firstDatagram = null;
    }
}
