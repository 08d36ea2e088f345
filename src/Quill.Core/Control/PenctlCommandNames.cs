namespace Quill.Core.Control;

/// <summary>
/// Every command word pen 0.34.1's control interpreter knows, so quill can tell "not available yet" from a typo.
/// </summary>
internal static class PenctlCommandNames
{
    public static readonly IReadOnlySet<string> Commands = new HashSet<string>(StringComparer.Ordinal)
    {
        "abort_on_error", "acl", "ascii", "blacklist", "client_acl", "clients_max", "close", "conn_max",
        "connection", "control", "control_acl", "debug", "dsr_if", "dsr_ip", "dummy", "epoll", "exit", "hash",
        "http", "idle_timeout", "idlers", "include", "keepalive", "kqueue", "listen", "log", "mode", "peek",
        "pending_max", "pid", "poll", "prio", "recent", "roundrobin", "select", "server", "servers", "socket",
        "source", "ssl_ciphers", "ssl_client_renegotiation_interval", "ssl_ocsp_response", "ssl_option",
        "ssl_sni_path", "status", "stubborn", "tarpit_acl", "tcp_fastclose", "tcp_nodelay", "timeout", "tracking",
        "transparent", "web_stats", "weight", "write",
    };

    /// <summary>The words that have a "no X" form.</summary>
    public static readonly IReadOnlySet<string> Negatable = new HashSet<string>(StringComparer.Ordinal)
    {
        "abort_on_error", "acl", "ascii", "dummy", "hash", "http", "keepalive", "log", "peek", "prio",
        "roundrobin", "stubborn", "tcp_nodelay", "transparent", "web_stats", "weight",
    };
}
