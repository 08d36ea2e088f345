namespace Quill.Core.Configuration;

/// <summary>Everything the operator asked for on the command line, with pen's defaults (manual wins where they differ).</summary>
public sealed record QuillOptions
{
    public ListenSpec? Listen { get; init; }
    public IReadOnlyList<ServerSpec> Servers { get; init; } = [];

    /// <summary>-e: used only when no regular server accepts.</summary>
    public ServerSpec? Emergency { get; init; }
    /// <summary>-B: where clients denied by client_acl go.</summary>
    public ServerSpec? Abuse { get; init; }

    public SelectionFlags Selection { get; init; }

    /// <summary>-b: seconds a server stays blacklisted after a failed connect.</summary>
    public int BlacklistSeconds { get; init; } = 30;
    /// <summary>-c: client table slots.</summary>
    public int ClientsMax { get; init; } = 2048;
    /// <summary>-T: seconds after which a client is forgotten; 0 = never.</summary>
    public int TrackingSeconds { get; init; }
    /// <summary>Longest connect timeout: .NET timers cannot wait much longer than a few weeks.</summary>
    public const int MaxConnectTimeoutSeconds = 86400;

    /// <summary>-t: connect timeout in seconds (the manual's 5, not pen 0.34.1's 3).</summary>
    public int ConnectTimeoutSeconds { get; init; } = 5;
    /// <summary>-x: simultaneous connections; more clients wait in the listen backlog.</summary>
    public int ConnectionsMax { get; init; } = 256;
    /// <summary>-q: listen backlog (minimum 50).</summary>
    public int ListenBacklog { get; init; } = 500;
    /// <summary>-m: accepts per wake-up (minimum 1).</summary>
    public int MultiAccept { get; init; } = 100;

    /// <summary>-d, counted.</summary>
    public int DebugLevel { get; init; }
    /// <summary>-a: data dumps in ASCII.</summary>
    public bool Ascii { get; init; }
    /// <summary>-H / http: add X-Forwarded-For and X-Forwarded-Proto to every HTTP request.</summary>
    public bool HttpHeaders { get; init; }
    /// <summary>-U: balance UDP datagrams instead of TCP connections.</summary>
    public bool Udp { get; init; }
    /// <summary>-E -K -G -A -R -L: TLS termination, on when a certificate is given.</summary>
    public TlsOptions Tls { get; init; } = new();
    /// <summary>-f: stay in the foreground.</summary>
    public bool Foreground { get; init; }
    /// <summary>-X: enable the exit control command.</summary>
    public bool ExitEnabled { get; init; }
    /// <summary>-p: pid file, written without newline and removed on exit.</summary>
    public string? PidFile { get; init; }
    /// <summary>--takeover: take the listeners, state and live connections of the quill running with the same -p.</summary>
    public bool Takeover { get; init; }
    /// <summary>--grace: seconds connections that cannot move (or, after QUIT, all) may take to finish.</summary>
    public int GraceSeconds { get; init; } = 30;
    /// <summary>Kernel-side relaying of plain TCP connections (BPF sockmap) where the kernel allows: --sockmap; off by
    /// default until the stress tests pass with it (see README).</summary>
    public bool Sockmap { get; init; }

    /// <summary>-C: the control port (a bare port means 127.0.0.1, where pen takes 0.0.0.0).</summary>
    public ListenSpec? Control { get; init; }
    /// <summary>-F: penctl commands read after the command line and again on SIGHUP.</summary>
    public string? ConfigFile { get; init; }
    /// <summary>-l: access log file, or host:port of a penlogd; null = no log.</summary>
    public string? LogTarget { get; init; }
    /// <summary>-w: HTML status file rewritten on USR1; null = none.</summary>
    public string? WebStatsFile { get; init; }
    /// <summary>-u: user to run as once the sockets are open.</summary>
    public string? User { get; init; }
    /// <summary>-j: directory to chroot to before switching user.</summary>
    public string? Jail { get; init; }

    /// <summary>-o / -O penctl commands, in command-line order; they run at start, before -F.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>Notices for obsolete or adjusted options, printed once at start (e.g. "multi_accept bumped to 1").</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}
