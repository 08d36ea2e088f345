using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary>
/// Settings that control commands change while running and that the process reads afresh each time (the
/// selection settings and table sizes live with the selector and tables).
/// </summary>
public sealed class RuntimeSettings
{
    public RuntimeSettings(QuillOptions startup)
    {
        ArgumentNullException.ThrowIfNull(startup);
        Startup = startup;
        ConnectTimeoutSeconds = startup.ConnectTimeoutSeconds;
        Ascii = startup.Ascii;
        HttpHeaders = startup.HttpHeaders;
    }

    /// <summary>The command line, for <c>write</c>'s header and <c>control</c>.</summary>
    public QuillOptions Startup { get; }

    /// <summary>-t / timeout: seconds a connect to a server may take.</summary>
    public int ConnectTimeoutSeconds { get; set; }

    /// <summary>client_acl: clients it denies go to the abuse server.</summary>
    public int ClientAcl { get; set; }

    /// <summary>control_acl: control connections it denies are closed without a reply.</summary>
    public int ControlAcl { get; set; }

    /// <summary>web_acl: readers of the web_listen endpoint it denies are closed without an answer.</summary>
    public int WebAcl { get; set; }

    /// <summary>log_format: the access log's line format, pen's (the default) or one JSON object per line.</summary>
    public bool JsonAccessLog { get; set; }

    /// <summary>-a / ascii, kept so <c>write</c> reproduces it.</summary>
    public bool Ascii { get; set; }

    /// <summary>-H / http: add X-Forwarded-For and X-Forwarded-Proto to every HTTP request of new connections.</summary>
    public bool HttpHeaders { get; set; }

    /// <summary>idle_timeout: close connections idle this long; 0 = off for TCP, the UDP default for UDP sessions.</summary>
    public int IdleTimeoutSeconds { get; set; }

    /// <summary>tcp_nodelay: TCP_NODELAY on client and server sockets.</summary>
    public bool TcpNoDelay { get; set; } = true;

    /// <summary>keepalive: SO_KEEPALIVE on server sockets.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>source IP: the local address server sockets connect from; null = the system's choice.</summary>
    public System.Net.IPAddress? SourceAddress { get; set; }

    /// <summary>tcp_fastclose: which side's EOF closes the whole connection.</summary>
    public FastClose FastClose { get; set; }

    /// <summary>dummy: answer every client with pen's fixed HTTP 200 instead of balancing.</summary>
    public bool Dummy { get; set; }

    /// <summary>transparent: server connections come from the client's address (IP_TRANSPARENT, IPv4 only).</summary>
    public bool Transparent { get; set; }

    /// <summary>idlers N: how many idle server connections to keep connected in advance.</summary>
    public int IdlersWanted { get; set; }

    /// <summary>ssl_sni_path: per-name certificates, read at handshakes; only -o and -F set it before TLS starts.</summary>
    public string? SniDirectory { get; set; }

    /// <summary>ssl_ciphers: OpenSSL cipher string; like ssl_sni_path, read when TLS starts.</summary>
    public string? SslCiphers { get; set; }

    /// <summary>ssl_option: the options set so far (they add up); read when TLS starts.</summary>
    public Tls.SslOptions SslOptions { get; set; }

    /// <summary>ssl_ocsp_response: the DER OCSP response file stapled for the -E certificate. Unlike the other TLS
    /// settings it is read at handshakes, so a change counts from the next one.</summary>
    public string? OcspResponseFile { get; set; }

    /// <summary>
    /// A file or directory read at handshakes, long after a daemon has left its starting directory: a relative path
    /// is made absolute now. With -j it names a place inside the jail and stays as given, like the other paths.
    /// </summary>
    public string PathReadLater(string path) => Startup.Jail is null ? Path.GetFullPath(path) : path;

    /// <summary>ssl_client_renegotiation_interval: kept for <c>write</c>; quill refuses every client renegotiation.</summary>
    public int RenegotiationIntervalSeconds { get; set; } = 3600;

    /// <summary>proxy, accept_proxy, accept_proxy_timeout: the PROXY protocol toward servers and from a front balancer.</summary>
    public Proxy.ProxySettings Proxy { get; } = new();

    /// <summary>peer, peer_key: where the client table is sent and the key that signs it.</summary>
    public Peers.PeerSettings Peers { get; } = new();

    /// <summary>geoip_path: the country database file or directory; null = pen's legacy files. Read at start.</summary>
    public string? GeoIpPath { get; set; }

    /// <summary>control_mode: the file mode of a unix control socket, 0600 unless asked. Read when the socket opens.</summary>
    public int ControlSocketMode { get; set; } = DefaultControlSocketMode;

    /// <summary>0600: only the socket's owner (the -u user) and root may connect.</summary>
    public const int DefaultControlSocketMode = 0x180;
}
