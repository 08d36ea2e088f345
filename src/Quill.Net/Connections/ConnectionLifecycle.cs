using System.Net;
using Quill.Core.Control;
using Quill.Core.Proxy;
using Quill.Core.Selection;
using Quill.Net.Engine;
using Quill.Net.Proxy;
using Quill.Net.Takeover;

namespace Quill.Net.Connections;

/// <summary>
/// One client connection from accept to close, the same sequence for every transport (event loop, plain or TLS; UDP):
/// <code>
///   Start          choose a server (selection, client_acl, client table), list the connection
///   → connector    connect, and on each ConnectFailed blacklist and fail over (then emergency, abuse)
///   → Connected    clear the blacklisting, decide the relay plan (-H, access log, dumps, idle_timeout, fastclose,
///                  the PROXY header: once per server socket, so each failover attempt gets its own; with the JSON
///                  log and -H, a watcher of the answers' status)
///   → relay        bytes both ways, counted as they pass (ReportTraffic)
///   → Ended        server and client counters, the registry, the debug messages
/// </code>
/// It knows no sockets: the transport's connector and relay do the work and report outcomes here. Those reports come
/// one at a time (from the connection's loop thread or its continuations); close N and the traffic sweep come from
/// other threads and touch only what is safe to.
/// </summary>
public sealed class ConnectionLifecycle : IListedConnection
{
    /// <summary>pen's connection states as <c>connection N</c> shows them.</summary>
    private const int ConnectingState = 1;
    private const int ConnectedState = 2;

    private readonly ConnectionServices _services;
    private readonly IPAddress? _address;
    private readonly int _port;
    private readonly ConnectionKind _kind;
    private readonly Action? _ended;
    private readonly Lock _reporting = new();
    private ConnectionAttempt _attempt;
    private IPAddress? _transparentFrom;
    private IUpstreamConnector? _connector;
    private IConnectionRelay? _relay;
    private TrafficCounter? _traffic;
    private Traffic _reported;
    private bool _finished;
    private bool _handedOver;
    private int _state = ConnectingState;
    private int _server;
    private int _clientSlot;
    private long _clientDescriptor = -1;
    private long _serverDescriptor = -1;
    private long _connectStarted;
    private ConnectionLogger? _logger;
    private IClientStreamFilter? _filter;
    private IServerStreamObserver? _responses;
    private bool _aborted;

    /// <param name="address">The client's address; null for a unix-socket client.</param>
    /// <param name="settings">The connection commands as they stood at accept.</param>
    /// <param name="kind">TCP, TLS (X-Forwarded-Proto: https) or UDP (datagrams: no stream filter).</param>
    /// <param name="ended">Told once the connection is over (the intake's count of open connections).</param>
    public ConnectionLifecycle(ConnectionServices services, IPAddress? address, int port, ConnectionSettings settings, ConnectionKind kind, Action? ended)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _address = address;
        _port = port;
        Settings = settings;
        _kind = kind;
        _ended = ended;
    }

    public ConnectionSettings Settings { get; }

    /// <summary>accept_proxy: the address the front balancer's client connected to; null: this connection's own.</summary>
    public IPEndPoint? AnnouncedDestination { get; init; }

    /// <summary>The number close N takes; given by the registry, -1 while unlisted.</summary>
    public int Id { get; set; } = -1;

    /// <summary>Chooses a server and starts connecting to it; a client no server takes is refused.</summary>
    /// <param name="clientDescriptor">The client socket's number, for <c>connection N</c> (-1 when it has none of its own).</param>
    public void Start(IUpstreamConnector connector, IConnectionRelay relay, long clientDescriptor)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(relay);
        (_connector, _relay, _clientDescriptor) = (connector, relay, clientDescriptor);
        _attempt = _services.Selector.Begin(_address, _port);
        _clientSlot = _attempt.ClientSlot;
        _services.Registry.Add(this);
        _logger = NewLogger();
        if (_kind == ConnectionKind.Udp) _services.Counters.UdpSessionStarted();
        else _services.Counters.ClientAccepted();
        var log = _services.Log;
        if (log.IsEnabled(2)) log.Write(2, $"accepted client {Client}, initial server {_attempt.Server}");
        if (Settings.Transparent) _transparentFrom = TransparentSource.For(_address, log);
        ConnectOrRefuse();
    }

    /// <summary>
    /// Takeover, new side: a connection the previous process relayed arrives connected to its server. It is listed,
    /// holds its server and client entry as if it had begun here, counts on from what it carried, and its watchers (-H,
    /// the access logs) go on from what they had seen. A UDP session its server has not answered yet arrives still
    /// connecting: its first answer is its Connected, as here.
    /// </summary>
    /// <param name="clientDescriptor">The client socket's number, for <c>connection N</c> (a UDP session's: the listen socket).</param>
    /// <param name="serverDescriptor">The server socket's number.</param>
    public void Adopt(IUpstreamConnector connector, IConnectionRelay relay, HandedOverConnection moved, long clientDescriptor,
        long serverDescriptor, bool connected = true)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(relay);
        (_connector, _relay, _clientDescriptor, _serverDescriptor) = (connector, relay, clientDescriptor, serverDescriptor);
        _attempt = _services.Selector.Adopt(_address, moved.Server);
        (_clientSlot, _server, _state) = (_attempt.ClientSlot, moved.Server, connected ? ConnectedState : ConnectingState);
        _connectStarted = _services.Time.GetTimestamp();
        _services.Registry.Add(this);
        _logger = Restore(NewLogger(), moved.Watchers.Log, "JSON log record");
        // The previous process counted these bytes to the server and client already; they move with its counters.
        (_traffic, _reported) = (new TrafficCounter(ReportTraffic, moved.Traffic), moved.Traffic);
        var log = _services.Log;
        if (log.IsEnabled(1)) log.Write(1, $"client {Client} taken over, {(connected ? "connected" : "connecting")} to server {moved.Server}");
        if (!connected) return;
        _filter = Restore(NewFilter(), moved.Watchers.ClientFilter, "request filter (-H, -l)");
        _responses = Restore(NewResponseWatcher(), moved.Watchers.ServerObserver, "answer status reader");
        relay.Start(new RelayPlan(_filter, Settings.IdleTimeout, Settings.FastClose, _traffic) { Responses = _responses });
    }

    /// <summary>
    /// Takeover, old side: the relay hands the connection to the next process; it ends here, counted, and its log
    /// records are left to the process where it ends.
    /// </summary>
    public HandedOverConnection HandedOver()
    {
        _handedOver = true;
        var watchers = new MovedWatchers(MovedWatchers.Save(_filter), MovedWatchers.Save(_responses), MovedWatchers.Save(_logger));
        var moved = new HandedOverConnection(_address, _port, _attempt.Server, _traffic?.Total ?? default, watchers);
        Ended();
        return moved;
    }

    /// <summary>The connector reached the server.</summary>
    /// <param name="serverDescriptor">The server socket's number, for <c>connection N</c>.</param>
    public void Connected(long serverDescriptor)
    {
        _services.Selector.Connected(_attempt);
        var connectTime = _services.Time.GetElapsedTime(_connectStarted);
        _services.Selector.Servers[_attempt.Server]?.Statistics.Connected(connectTime);
        _logger?.Connected(_attempt.Server, _attempt.ServerEndPoint!, connectTime);
        Volatile.Write(ref _serverDescriptor, serverDescriptor);
        Volatile.Write(ref _state, ConnectedState);
        var log = _services.Log;
        if (log.IsEnabled(1)) log.Write(1, $"client {Client} connected to server {_attempt.Server}");
        _filter = NewFilter();
        _responses = NewResponseWatcher();
        // A UDP session that failed over is connected again and keeps counting where it was.
        var traffic = _traffic ?? new TrafficCounter(ReportTraffic);
        Volatile.Write(ref _traffic, traffic);
        _relay!.Start(new RelayPlan(_filter, Settings.IdleTimeout, Settings.FastClose, traffic)
        {
            Proxy = ProxyAnnouncement(),
            Responses = _responses,
        });
    }

    /// <summary>
    /// The connect failed or timed out: blacklist the server and try the next one the selector gives. A UDP server
    /// can also refuse a session it answered before; what it was sent so far is counted to it first. A failure of
    /// quill's own (no descriptor left) refuses the client instead: every server would fail alike, none is to blame.
    /// </summary>
    public void ConnectFailed(ConnectFailure failure)
    {
        if (Volatile.Read(ref _state) == ConnectedState)
        {
            ReportTraffic();
            Volatile.Write(ref _state, ConnectingState);
        }
        if (failure.IsLocal)
        {
            // As when accept meets EMFILE: the runtime gets the reserve back, and no client is accepted until there is
            // room again, instead of each one being accepted into a free descriptor only to be refused here.
            if (failure.OutOfDescriptors) DescriptorReserve.Shared.Release();
            _services.Log.Write(0, $"cannot connect client {Client} to server {_attempt.Server}: {failure.Reason}; the server is not blacklisted for quill's own shortage");
            Refuse();
            return;
        }
        _services.Selector.Servers[_attempt.Server]?.Statistics.ConnectFailed(failure.Reason);
        _services.Log.Write(0, $"blacklisting server {_attempt.Server} because connect to {_attempt.ServerEndPoint} failed: {failure.Reason}");
        if (_services.Selector.FailOver(ref _attempt)) ConnectOrRefuse();
        else Refuse();
    }

    /// <summary>Passes the bytes counted since the last report on to the server's and the client's counters.</summary>
    public void ReportTraffic()
    {
        if (Volatile.Read(ref _traffic) is not { } traffic) return;
        lock (_reporting)
        {
            if (_finished) return;
            var now = traffic.Total;
            var news = now - _reported;
            if (news.Total == 0) return;
            _reported = now;
            _services.Selector.Transferred(_attempt, news.ToServer, news.ToClient);
        }
    }

    /// <summary>The relay closed both sides (or refused the client): the connection is over. Called once.</summary>
    public void Ended()
    {
        var total = _traffic?.Total ?? default;
        Traffic rest;
        lock (_reporting)
        {
            _finished = true;
            rest = total - _reported;
        }
        var log = _services.Log;
        if (_handedOver && log.IsEnabled(2))
            log.Write(2, $"client {Client} handed over after {total.ToServer} bytes to server {_attempt.Server}, {total.ToClient} bytes back");
        else if (_traffic is not null && log.IsEnabled(2))
            log.Write(2, $"client {Client} closed: {total.ToServer} bytes to server {_attempt.Server}, {total.ToClient} bytes back");
        _services.Selector.Finished(_attempt, rest.ToServer, rest.ToClient);
        if (!_handedOver) _logger?.Ended(total, _traffic is null ? "refused" : Volatile.Read(ref _aborted) ? "aborted" : "closed");
        _services.Registry.Release(this);
        _ended?.Invoke();
    }

    /// <summary>The TLS transport's handshake with the client ended.</summary>
    /// <param name="failure">Null when it completed, else a short reason from a closed set, for /metrics.</param>
    /// <param name="version">The protocol agreed in OpenSSL's words ("TLSv1.3"), for the JSON access log.</param>
    /// <param name="serverName">The SNI name the client asked for, if any.</param>
    /// <param name="failureText">Why it failed, for the debug log; null: no line (quill closed it).</param>
    public void TlsHandshakeEnded(string? failure, string? version = null, string? serverName = null, string? failureText = null)
    {
        _services.Counters.TlsHandshake(failure);
        _logger?.Tls(version, serverName);
        var log = _services.Log;
        if (failureText is not null && log.IsEnabled(1)) log.Write(1, $"TLS handshake with client {Client} failed: {failureText}");
    }

    /// <summary>close N, from the control thread.</summary>
    public void Close()
    {
        Volatile.Write(ref _aborted, true);
        _relay?.Abort();
    }

    public ConnectionView View()
    {
        var state = Volatile.Read(ref _state);
        return new ConnectionView(state, _clientDescriptor, Volatile.Read(ref _serverDescriptor), _clientSlot,
            Volatile.Read(ref _server), state == ConnectedState ? 0 : 1);
    }

    /// <summary>The PROXY header this server gets, if any: the client (as announced, with accept_proxy) and the
    /// address it connected to. UDP sessions get none: the protocol's datagram form is not implemented.</summary>
    private ProxyAnnouncement? ProxyAnnouncement()
    {
        if (_kind == ConnectionKind.Udp) return null;
        var version = _services.ProxyVersionFor(_attempt.Server);
        if (version == ProxyVersion.Off) return null;
        var source = _address is null ? null : new IPEndPoint(_address, _port);
        return new ProxyAnnouncement(version, source, AnnouncedDestination ?? SocketAddressCodec.LocalOf((int)_clientDescriptor));
    }

    /// <summary>A watcher of a moved connection, from where the previous process's stopped; said when that cannot be.</summary>
    private T? Restore<T>(T? fresh, byte[]? saved, string what)
        where T : class, ITakeoverState
    {
        var restored = MovedWatchers.Restore(fresh, saved);
        if (saved is not null && restored is null)
            _services.Log.Write(0, $"client {Client} taken over without its {what}: this quill does not watch connections as the previous one did");
        return restored;
    }

    private ConnectionLogger? NewLogger() =>
        _services.ConnectionLog is { Enabled: true } connectionLog ? new ConnectionLogger(connectionLog, _services.Time, _address, _port) : null;

    /// <summary>What the client's bytes go through (-H, the access log, dumps); UDP datagrams go through none, nor does
    /// a moved connection whose server this process does not know.</summary>
    private IClientStreamFilter? NewFilter() => _kind == ConnectionKind.Udp || _attempt.ServerEndPoint is not { } server
        ? null
        : _services.Filters?.For(_address, server, Settings.HttpHeaders, https: _kind == ConnectionKind.Tls, _logger is null ? null : RequestLine);

    /// <summary>Only where the JSON log follows requests (-H): the answers' status lines, matched to them in order.</summary>
    private Http.HttpResponseWatcher? NewResponseWatcher() =>
        _logger is { } logger && Settings.HttpHeaders && _kind != ConnectionKind.Udp ? new Http.HttpResponseWatcher(logger.Response) : null;

    /// <summary>A -H request line, for the JSON access log (called on the relay's thread, before its bytes go on).</summary>
    private void RequestLine(ReadOnlySpan<byte> line) => _logger!.RequestLine(line, _traffic?.Total ?? default);

    private void ConnectOrRefuse()
    {
        if (_attempt.ServerEndPoint is not { } target)
        {
            Refuse();
            return;
        }
        Volatile.Write(ref _server, _attempt.Server);
        var from = TransparentSource.Fits(_transparentFrom, target, _services.Log);
        // An idler comes from quill's own address, so transparent connections never take one.
        var idler = _transparentFrom is null ? _services.Idlers?.Take(_attempt.Server, target) : null;
        _connectStarted = _services.Time.GetTimestamp();
        _connector!.Connect(new ConnectRequest(_attempt.Server, target, from, idler));
    }

    private void Refuse()
    {
        var log = _services.Log;
        if (log.IsEnabled(1)) log.Write(1, $"no server accepts client {Client}; closing it");
        _relay!.Refuse();
    }

    private string Client => _address is null ? "unix" : new IPEndPoint(_address, _port).ToString();
}
