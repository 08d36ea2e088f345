using Quill.Core.Acl;
using Quill.Core.Model;
using Quill.Core.Control;
using Quill.Core.Proxy;
using Quill.Core.Selection;
using Quill.Net.Diagnostics;
using Quill.Net.Tls;

namespace Quill.Net.Connections;

/// <summary>What every connection's lifecycle shares: the selector, the registry, the debug log, the filters and
/// idlers, and the connection commands as they stand.</summary>
public sealed class ConnectionServices(ServerSelector selector, ConnectionRegistry registry, RuntimeSettings settings, IDebugLog log)
{
    private ConnectionSettings? _settings;

    public ServerSelector Selector { get; } = selector;

    public ConnectionRegistry Registry { get; } = registry;

    public IDebugLog Log { get; } = log;

    /// <summary>The JSON access log (log_format json), when one is in use.</summary>
    public IConnectionLog? ConnectionLog { get; set; }

    /// <summary>The clock connection times are measured with.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Process-wide event counts (/metrics); the one instance the control side counts into too.</summary>
    public BalancerCounters Counters { get; init; } = new();

    /// <summary>-H, the access log and -d 3 dumps; null: client bytes always pass untouched.</summary>
    public IClientStreamFilters? Filters { get; set; }

    /// <summary>pen's idlers, once they run.</summary>
    public IIdlers? Idlers { get; set; }

    /// <summary>-E: set at start-up, after -o and -F; clients are then served over TLS.</summary>
    public TlsTermination? Tls { get; set; }

    /// <summary>pen's ACLs, for accept_proxy's sender check; null: every sender is permitted.</summary>
    public AccessLists? Acls { get; set; }

    /// <summary>proxy, accept_proxy and accept_proxy_timeout as they stand.</summary>
    public ProxySettings Proxy => settings.Proxy;

    /// <summary>The PROXY header server <paramref name="server"/> gets: its own <c>server N proxy</c>, else the default.</summary>
    public ProxyVersion ProxyVersionFor(int server) => Selector.Servers[server]?.Proxy ?? settings.Proxy.Default;

    /// <summary>accept_proxy ACL: may <paramref name="sender"/> announce its client? A unix-socket sender (null) is local and may.</summary>
    public bool PermitsProxySender(int acl, System.Net.IPAddress? sender) => Acls?.Permits(acl, sender) ?? true;

    /// <summary>tcp_nodelay as it stands (set on the listener, whose accepted sockets inherit it).</summary>
    public bool ClientNoDelay => settings.TcpNoDelay;

    /// <summary>The one place a new TCP client's path is chosen; read per client, as dummy can change at runtime.</summary>
    public ClientPath PathForNewClient() => settings.Dummy ? ClientPath.Dummy : ClientPath.EventLoop;

    /// <summary>The connection commands as they stand; the same object while they do not change.</summary>
    public ConnectionSettings SettingsForNewClient()
    {
        var s = settings;
        var timeout = TimeSpan.FromSeconds(s.ConnectTimeoutSeconds);
        var idle = TimeSpan.FromSeconds(s.IdleTimeoutSeconds);
        if (Volatile.Read(ref _settings) is { } r && r.ConnectTimeout == timeout && r.NoDelay == s.TcpNoDelay
            && r.KeepAlive == s.KeepAlive && Equals(r.Source, s.SourceAddress) && r.IdleTimeout == idle
            && r.FastClose == s.FastClose && r.Transparent == s.Transparent && r.HttpHeaders == s.HttpHeaders)
            return r;
        var fresh = new ConnectionSettings(timeout, s.TcpNoDelay, s.KeepAlive, s.SourceAddress, idle, s.FastClose, s.Transparent, s.HttpHeaders);
        Volatile.Write(ref _settings, fresh);
        return fresh;
    }
}
