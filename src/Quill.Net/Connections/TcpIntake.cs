using Quill.Net.Interop;
using System.Net;
using Quill.Core.Proxy;
using Quill.Net.Dummy;
using Quill.Net.Engine;
using Quill.Net.Listening;
using Quill.Net.Sockmap;
using Quill.Net.Takeover;

namespace Quill.Net.Connections;

/// <summary>
/// The front door for TCP (Linux): clients are accepted on the event loops, and each is served on the path
/// <see cref="ConnectionServices.PathForNewClient"/> chooses, every one through its own <see cref="ConnectionLifecycle"/>.
/// Beyond -x open connections clients wait in the kernel's listen backlog, as in pen. With accept_proxy a front
/// balancer's PROXY header is read first, on the loop, and the client it announces is the client from then on.
/// </summary>
public sealed class TcpIntake : IDisposable
{
    private readonly RelayIntakeHost _host;
    private readonly RelayEngine _engine;
    private readonly ConnectionServices _services;
    private readonly Action _ended;
    private CancellationToken _stopping;
    private int _open;
    private int _connectionsMax;
    private readonly int _descriptorBudget;
    private int _acceptFailing;
    private readonly TaskCompletionSource _accepting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="sockmap">Let the kernel relay plain connections where it allows (--no-sockmap: false).</param>
    public TcpIntake(ConnectionServices services, TimeProvider time, int connectionsMax, int multiAccept, bool sockmap = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _connectionsMax = connectionsMax;
        _ended = Ended;
        _host = new RelayIntakeHost(this);
        // Read before a chroot hides /proc; the descriptors the runtime has opened by now count against it.
        var room = DescriptorBudget.Measure();
        _descriptorBudget = room?.Connections ?? int.MaxValue;
        PipePair.Limit = room?.Pipes ?? int.MaxValue;
        if (_descriptorBudget < connectionsMax)
            services.Log.Write(0, $"the descriptor limit (ulimit -n) leaves room for {_descriptorBudget} connections at once, not -x {connectionsMax}; further clients wait");
        // One loop per core this process may run on (taskset and cgroup limits included), as pen would need one process each.
        _engine = new RelayEngine(_host, Environment.ProcessorCount, multiAccept,
            e => services.Log.Write(0, $"connection ended with an error: {e.Message}"), time, sockmap ? OpenSockmap(services, connectionsMax) : null);
    }

    public int OpenConnections => Volatile.Read(ref _open);

    private static SockmapRelay? OpenSockmap(ConnectionServices services, int connectionsMax)
    {
        var sockmap = SockmapRelay.TryOpen(connectionsMax, services.Counters, out var refusal);
        if (sockmap is null) services.Log.Write(0, $"sockmap: the kernel refused ({refusal}); the event loop relays every connection");
        else if (services.Log.IsEnabled(1)) services.Log.Write(1, "sockmap: the kernel relays plain TCP connections");
        return sockmap;
    }

    /// <summary>Completes once every event loop accepts from the first listener.</summary>
    public Task Accepting => _accepting.Task;

    /// <summary>Accepts from <paramref name="listener"/> until <paramref name="stopping"/>, then closes every connection.</summary>
    public async Task RunAsync(ConnectionListener listener, CancellationToken stopping)
    {
        _stopping = stopping;
        _engine.Start();
        _ = _engine.Listen(listener).ContinueWith(_ => _accepting.TrySetResult(), TaskScheduler.Default);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (stopping.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetResult(), stopped))
        {
            await stopped.Task.ConfigureAwait(false);
        }
        await _engine.StopAsync().ConfigureAwait(false);
    }

    /// <summary>listen ADDR: accepts from <paramref name="listener"/> instead; from any thread.</summary>
    public void Listen(ConnectionListener listener) => _ = _engine.Listen(listener);

    /// <summary>Takeover or graceful stop: completes when no event loop accepts any more; open connections go on.</summary>
    public Task StopAccepting() => _engine.StopAccepting();

    /// <summary>Takeover, old side: the plain relays that can move, taken out of this process (see RelayEngine.HandOver).</summary>
    public Task<(List<MovedRelay> Moved, int Pending)> HandOver() => _engine.HandOver();

    /// <summary>Takeover, new side: carries on a connection the previous process relayed.</summary>
    public void Adopt(MovedRelay moved)
    {
        ArgumentNullException.ThrowIfNull(moved);
        Interlocked.Increment(ref _open);
        _engine.Adopt(moved, () => new ConnectionLifecycle(
            _services, moved.Connection.Client, moved.Connection.ClientPort, _services.SettingsForNewClient(), ConnectionKind.Tcp, _ended));
    }

    /// <summary>conn_max: more clients may be open at once from now on; the limit never shrinks.</summary>
    public void Grow(int connectionsMax)
    {
        int now;
        do
        {
            now = Volatile.Read(ref _connectionsMax);
            if (connectionsMax <= now) return;
        } while (Interlocked.CompareExchange(ref _connectionsMax, connectionsMax, now) != now);
        _engine.ResumeAccepting();
    }

    public void Dispose() => _engine.Dispose();

    /// <summary>A client was accepted on a loop thread: start it on its path.</summary>
    private void Accepted(int fd, IPAddress? address, int port)
    {
        Interlocked.Increment(ref _open);
        if (Volatile.Read(ref _acceptFailing) == 1 && Interlocked.Exchange(ref _acceptFailing, 0) == 1)
            _services.Log.Write(0, "accepting again");
        var proxy = _services.Proxy;
        var acl = proxy.AcceptAcl;
        if (acl == ProxySettings.Off)
        {
            Admit(fd, address, port, null);
            return;
        }
        var counters = _services.Counters;
        if (!_services.PermitsProxySender(acl, address))
        {
            counters.ProxyHeader("denied");
            RefuseSender(fd, address, port, $"accept_proxy: ACL {acl} denies the sender");
            return;
        }
        RelayEngine.ReadProxyHeader(fd, TimeSpan.FromMilliseconds(proxy.TimeoutMilliseconds), ProxyHeaderParser.DefaultMaxV2Payload,
            header =>
            {
                counters.ProxyHeader("accepted");
                // LOCAL, UNKNOWN and AF_UNSPEC announce nobody: the connection's own addresses stand, as the spec says.
                if (header.Source is { } client) Admit(fd, client.Address, client.Port, header.Destination);
                else Admit(fd, address, port, null);
            },
            (reason, timedOut) =>
            {
                counters.ProxyHeader(timedOut ? "timeout" : "invalid");
                RefuseSender(fd, address, port, reason);
            });
    }

    /// <summary>A sender accept_proxy does not take: closed before anything else sees it.</summary>
    private void RefuseSender(int fd, IPAddress? address, int port, string reason)
    {
        _services.Log.Write(0, $"closing {(address is null ? "unix client" : new IPEndPoint(address, port).ToString())}: {reason}");
        Libc.Close(fd);
        Ended();
    }

    /// <summary>Starts the client on its path, as <paramref name="address"/> (the announced client with accept_proxy).</summary>
    private void Admit(int fd, IPAddress? address, int port, IPEndPoint? announcedDestination)
    {
        var path = _services.PathForNewClient();
        if (path == ClientPath.Dummy)
        {
            _ = ServeDummyAsync(fd);
            return;
        }
        var tls = _services.Tls;
        var kind = tls is null ? ConnectionKind.Tcp : ConnectionKind.Tls;
        var lifecycle = new ConnectionLifecycle(_services, address, port, _services.SettingsForNewClient(), kind, _ended)
        {
            AnnouncedDestination = announcedDestination,
        };
        var relay = RelayEngine.RelayFor(fd, lifecycle, tls);
        lifecycle.Start(relay, relay, fd);
    }

    private async Task ServeDummyAsync(int fd)
    {
        try
        {
            await DummyConnection.ServeAsync(RelayEngine.Adopt(fd), _services.Registry, _services.Log, _stopping).ConfigureAwait(false);
        }
        finally
        {
            Ended();
        }
    }

    /// <summary>A connection ended (on any thread): room for the next client.</summary>
    private void Ended()
    {
        Interlocked.Decrement(ref _open);
        _engine.ResumeAccepting();
    }

    /// <summary>The engine's view of the intake; kept apart so the engine's descriptors stay out of the public type.</summary>
    private sealed class RelayIntakeHost(TcpIntake intake) : IRelayEngineHost
    {
        public bool CanAccept =>
            Volatile.Read(ref intake._open) < Math.Min(Volatile.Read(ref intake._connectionsMax), intake._descriptorBudget);

        public bool ClientNoDelay => intake._services.ClientNoDelay;

        public void Accepted(int fd, IPAddress? address, int port) => intake.Accepted(fd, address, port);

        public void LimitReached() => intake._services.Counters.ConnectionLimitReached();

        /// <summary>Said once until a client is accepted again: every loop retries each tick while descriptors are out.</summary>
        public void AcceptFailed(int errno)
        {
            if (Interlocked.Exchange(ref intake._acceptFailing, 1) == 0)
                intake._services.Log.Write(0, $"accept failed: {ErrnoText.Describe(errno)}; retrying without further messages until a client is accepted");
        }
    }
}
