using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Quill.Net.Connections;
using Quill.Net.Takeover;

namespace Quill.Net.Udp;

/// <summary>
/// UDP balancing (-U): datagrams from each client address and port form a session with its own upstream socket
/// connected to a server chosen as for TCP (stickiness, modes, limits), each session run by a
/// <see cref="ConnectionLifecycle"/> like a TCP connection. Replies go back to the client from the listen socket. A
/// server that refuses (ICMP port unreachable) is blacklisted and the session fails over, sending its first datagram
/// again if the server never answered. Unlike pen, sessions end after an idle timeout. A takeover moves the listen
/// socket and every session to the next process (<see cref="PauseReading"/>, <see cref="HandOverAsync"/>,
/// <see cref="Adopt"/>); a datagram that comes meanwhile waits in the socket, which both hold.
/// </summary>
public sealed class UdpIntake : IDisposable
{
    /// <summary>Largest UDP payload.</summary>
    private const int MaxDatagram = 65535;

    private readonly Socket _listener;
    private readonly ConnectionServices _services;
    private readonly UdpIntakeOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<SocketAddress, UdpSession> _sessions = [];
    private CancellationToken _stopping;
    /// <summary>Cancelled to pause reading the listen socket (a takeover); a new one when reading resumes.</summary>
    private CancellationTokenSource? _reading;
    private TaskCompletionSource? _parked;
    private TaskCompletionSource? _resumed;

    private UdpIntake(Socket listener, ConnectionServices services, UdpIntakeOptions options, TimeProvider time)
    {
        _listener = listener;
        _services = services;
        _options = options;
        _time = time;
    }

    /// <summary>Binds the UDP listen socket.</summary>
    /// <param name="services">Selection, the registry (sessions are listed like connections) and the debug log.</param>
    /// <exception cref="SocketException">The address is in use or not local.</exception>
    public static UdpIntake Open(IPEndPoint listen, ConnectionServices services, UdpIntakeOptions options, TimeProvider time)
    {
        var socket = new Socket(listen.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (listen.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = true;
            socket.Bind(listen);
            return new UdpIntake(socket, services, options, time);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Takeover, new side: the listen socket the previous process handed over (the same socket and queue).</summary>
    public static UdpIntake FromDescriptor(int fd, ConnectionServices services, UdpIntakeOptions options, TimeProvider time) =>
        new(new Socket(new SafeSocketHandle(fd, ownsHandle: true)), services, options, time);

    public EndPoint LocalEndPoint => _listener.LocalEndPoint!;

    /// <summary>The listen socket's descriptor, to hand to the process that takes over.</summary>
    public int Descriptor => (int)_listener.SafeHandle.DangerousGetHandle();

    public int SessionCount
    {
        get { lock (_gate) return _sessions.Count; }
    }

    /// <summary>Relays until cancelled, then ends every session.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        lock (_gate) (_stopping, _reading) = (stopping, CancellationTokenSource.CreateLinkedTokenSource(stopping));
        var expiring = ExpireLoopAsync(stopping);
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram);
        var from = new SocketAddress(_listener.AddressFamily);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                CancellationToken reading;
                lock (_gate) reading = _reading.Token;
                int received;
                try
                {
                    received = await _listener.ReceiveFromAsync(buffer, SocketFlags.None, from, reading).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    await ParkAsync(stopping).ConfigureAwait(false);
                    continue;
                }
                catch (SocketException e)
                {
                    _services.Log.Write(1, $"UDP receive failed: {SocketErrorText.Describe(e.SocketErrorCode)}");
                    continue;
                }
                await ToServerAsync(from, buffer.AsMemory(0, received)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: end the sessions below.
        }
        finally
        {
            await expiring.ConfigureAwait(false);
            foreach (var session in Snapshot()) End(session, "quill stops");
            lock (_gate)
            {
                _reading?.Dispose();
                _reading = null;
            }
        }
    }

    /// <summary>
    /// Takeover, old side: completes once the listen socket is no longer read, the datagram in hand passed on first.
    /// A cancelled read takes nothing, so whatever comes next waits in the socket for whichever process reads it.
    /// </summary>
    public Task PauseReading()
    {
        CancellationTokenSource reading;
        Task parked;
        lock (_gate)
        {
            // Not reading yet, or stopped: nothing to pause.
            if (_reading is null) return Task.CompletedTask;
            if (_parked is not null) return _parked.Task;
            _parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (reading, parked) = (_reading, _parked.Task);
        }
        // Outside the lock: the read's cancellation may run the loop's continuation right here.
        reading.Cancel();
        return parked;
    }

    /// <summary>Takeover, old side, when it failed: reads the listen socket again.</summary>
    public void ResumeReading()
    {
        TaskCompletionSource? resumed;
        lock (_gate)
        {
            if (_parked is null || _reading is null) return;
            _reading.Dispose();
            _reading = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            resumed = _resumed;
            (_parked, _resumed) = (null, null);
        }
        resumed?.TrySetResult();
    }

    /// <summary>
    /// Takeover, old side, once reading has paused: every session, taken out of this process with its upstream socket
    /// (see <see cref="UdpSession.HandOverAsync"/>).
    /// </summary>
    public async Task<List<MovedSession>> HandOverAsync()
    {
        UdpSession[] sessions;
        lock (_gate)
        {
            sessions = [.. _sessions.Values];
            _sessions.Clear();
        }
        var now = _time.GetTimestamp();
        // All at once: the listen socket waits unread until the last has stopped, and its buffer is finite.
        var handing = await Task.WhenAll(sessions.Select(session => session.HandOverAsync(_time.GetElapsedTime(session.LastActivity, now))))
            .ConfigureAwait(false);
        return [.. handing.OfType<MovedSession>()];
    }

    /// <summary>
    /// Takeover: carries on a session the previous process handed over (or this one takes back from a takeover that
    /// failed): the same upstream socket, server, counters and idle time; the client's next datagram finds it.
    /// </summary>
    public void Adopt(MovedSession moved)
    {
        ArgumentNullException.ThrowIfNull(moved);
        var address = new SocketAddress(_listener.AddressFamily, moved.ClientAddress.Length);
        moved.ClientAddress.CopyTo(address.Buffer);
        var client = ClientOf(address);
        var lifecycle = new ConnectionLifecycle(
            _services, client.Address, client.Port, _services.SettingsForNewClient(), ConnectionKind.Udp, ended: null);
        var lastActivity = _time.GetTimestamp() - (long)(moved.Idle.TotalSeconds * _time.TimestampFrequency);
        var session = new UdpSession(this, address, client, lifecycle, lastActivity);
        // No session of this client is here: the listen socket is not read while sessions arrive.
        lock (_gate) _sessions[address] = session;
        session.Resume(new Socket(new SafeSocketHandle(moved.UpstreamFd, ownsHandle: true)), moved, Descriptor);
    }

    /// <summary>Takeover, old side, once the next process has everything: lets go of the listen socket, which lives on there.</summary>
    public void LetGo() => _ = Interop.Libc.ReplaceWithPlaceholder(Descriptor);

    /// <summary>The reading loop paused for a takeover: waits until it resumes, or stops.</summary>
    private async Task ParkAsync(CancellationToken stopping)
    {
        TaskCompletionSource? resumed;
        lock (_gate)
        {
            _parked?.TrySetResult();
            resumed = _resumed;
        }
        if (resumed is not null) await resumed.Task.WaitAsync(stopping).ConfigureAwait(false);
    }

    /// <summary>Ends the sessions idle for at least the idle timeout; the expiry loop calls it, tests too.</summary>
    internal void ExpireIdle()
    {
        var now = _time.GetTimestamp();
        foreach (var session in Snapshot())
        {
            if (_time.GetElapsedTime(session.LastActivity, now) >= _options.IdleTimeout)
                End(session, $"idle for {_options.IdleTimeout.TotalSeconds:0} s");
        }
    }

    private async Task ExpireLoopAsync(CancellationToken stopping)
    {
        var interval = TimeSpan.FromTicks(Math.Max(_options.IdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks));
        try
        {
            while (true)
            {
                await Task.Delay(interval, _time, stopping).ConfigureAwait(false);
                ExpireIdle();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async ValueTask ToServerAsync(SocketAddress from, ReadOnlyMemory<byte> datagram)
    {
        UdpSession? session;
        lock (_gate) _sessions.TryGetValue(from, out session);
        if (session is null)
        {
            // The first datagram goes with the session's connect.
            Create(from, datagram.Span);
            return;
        }

        session.LastActivity = _time.GetTimestamp();
        if (session.Upstream is not { } upstream) return;
        try
        {
            await upstream.SendAsync(datagram, SocketFlags.None).ConfigureAwait(false);
            session.Sent(datagram.Length);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // An earlier datagram was refused: fail over; this one is lost, as a datagram may be.
            session.Refused(upstream, SocketErrorText.Describe(e.SocketErrorCode));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed by a failover meanwhile, or unusable: the reply loop or the idle timeout ends the session.
        }
    }

    private void Create(SocketAddress from, ReadOnlySpan<byte> first)
    {
        var address = new SocketAddress(from.Family, from.Size);
        from.Buffer.CopyTo(address.Buffer);
        var client = ClientOf(address);

        MakeRoom();
        var lifecycle = new ConnectionLifecycle(
            _services, client.Address, client.Port, _services.SettingsForNewClient(), ConnectionKind.Udp, ended: null);
        var session = new UdpSession(this, address, client, lifecycle, _time.GetTimestamp());
        session.KeepFirst(first);
        session.Sent(first.Length);
        lock (_gate) _sessions[address] = session;
        lifecycle.Start(session, session, (long)_listener.SafeHandle.DangerousGetHandle());
    }

    /// <summary>The client as the lifecycle and the client table know it: an IPv4 client of a dual-stack socket as IPv4.</summary>
    private static IPEndPoint ClientOf(SocketAddress address)
    {
        var client = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address);
        return client.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(client.Address.MapToIPv4(), client.Port) : client;
    }

    /// <summary>Relays the server's datagrams on <paramref name="upstream"/> to the client (one loop per upstream socket),
    /// until the socket closes or the session moves; the task completes then.</summary>
    internal Task StartReplies(UdpSession session, Socket upstream) => Task.Run(() => RepliesAsync(session, upstream));

    /// <summary>Relays the server's datagrams to the client, holding a buffer only while one is waiting.</summary>
    private async Task RepliesAsync(UdpSession session, Socket upstream)
    {
        var moving = session.Moving;
        while (true)
        {
            byte[]? buffer = null;
            try
            {
                // A zero-length peek waits for a datagram without taking it, so an idle session holds no buffer.
                await upstream.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, moving).ConfigureAwait(false);
                buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
                var received = await upstream.ReceiveAsync(buffer, SocketFlags.None, moving).ConfigureAwait(false);
                session.LastActivity = _time.GetTimestamp();
                // Counted before it is passed on, so the client never sees a reply its session has not yet been told of.
                session.Answered(upstream, received);
                // Once taken from the server, a reply goes to the client even if the session moves meanwhile.
                await _listener.SendToAsync(buffer.AsMemory(0, received), SocketFlags.None, session.ClientAddress).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused && !session.Ended
                                             && ReferenceEquals(session.Upstream, upstream))
            {
                session.Refused(upstream, SocketErrorText.Describe(e.SocketErrorCode));
                return;
            }
            catch (OperationCanceledException)
            {
                // Moving to the next process: what the server sends from now on waits in the socket.
                return;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed by End or by a failover to another socket, or the client is unreachable.
                if (ReferenceEquals(session.Upstream, upstream) && e is SocketException s && !session.Ended)
                    End(session, SocketErrorText.Describe(s.SocketErrorCode));
                return;
            }
            finally
            {
                if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>At the session limit, the least recently active session makes room (pen recycles slots too).</summary>
    private void MakeRoom()
    {
        UdpSession? oldest = null;
        lock (_gate)
        {
            if (_sessions.Count < _options.MaxSessions) return;
            foreach (var session in _sessions.Values)
            {
                if (oldest is null || session.LastActivity < oldest.LastActivity) oldest = session;
            }
        }
        if (oldest is not null) End(oldest, "the session table is full");
    }

    internal void End(UdpSession session, string why)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(session.ClientAddress, out var current) && ReferenceEquals(current, session))
                _sessions.Remove(session.ClientAddress);
        }
        if (session.End()) _services.Log.Write(1, $"UDP session of {session.Client} ended: {why}");
    }

    private UdpSession[] Snapshot()
    {
        lock (_gate) return [.. _sessions.Values];
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var session in Snapshot()) End(session, "closed");
    }
}
