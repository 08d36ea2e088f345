using System.Net;
using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary>
/// The parts of the running process that control commands act on and that involve sockets, threads or the process
/// itself; the executable implements it, tests fake it. Calls come one at a time from the dispatcher.
/// </summary>
public interface IBalancerRuntime
{
    int ProcessId { get; }

    /// <summary>-d / debug: the debug level in force now.</summary>
    int DebugLevel { get; set; }

    /// <summary>syslog_facility: the facility code of the daemon's syslog records (<see cref="Configuration.SyslogFacility"/>).</summary>
    int SyslogFacility { get; set; }

    /// <summary>stderr_format F: how debug lines on stderr look from now on; null (the default) lets quill choose
    /// by what stderr is (short for the systemd journal, else pen). <c>write</c> saves only a choice.</summary>
    StderrFormat? StderrFormatChoice { get; set; }

    /// <summary>How debug lines on stderr look now.</summary>
    StderrFormat StderrFormat { get; }

    /// <summary>-x / conn_max: simultaneous connections allowed now.</summary>
    int ConnectionsMax { get; }

    /// <summary>Raises the connection limit; like pen it never shrinks, so a smaller value is ignored.</summary>
    void GrowConnections(int connectionsMax);

    /// <summary>The listen address as given, or null when nothing listens yet.</summary>
    string? ListenText { get; }

    /// <summary>Opens a listener at <paramref name="spec"/> and moves accepting there; the old one closes.</summary>
    /// <returns>Null on success, else a one-line reason; the old listener then stays.</returns>
    string? TryListen(ListenSpec spec);

    /// <summary>Resolves a server address (host name, literal or unix path) once, as pen does.</summary>
    /// <returns>Null when it cannot be resolved; <paramref name="error"/> then says why.</returns>
    EndPoint? ResolveServer(string address, int port, out string error);

    /// <summary>Connection slot <paramref name="id"/>; null when the slot number is out of range.</summary>
    ConnectionView? FindConnection(int id);

    /// <summary>Force-closes connection <paramref name="id"/>; false when the slot number is out of range.</summary>
    bool CloseConnection(int id);

    /// <summary>The connection slot using socket descriptor <paramref name="fd"/>, or -1.</summary>
    int ConnectionOfSocket(long fd);

    /// <summary>-l / log: the access log target as given, or null when not logging.</summary>
    string? LogTarget { get; }

    /// <summary>Opens (or reopens) the access log at a file or penlogd host:port.</summary>
    /// <returns>Null on success, else a one-line reason; the old log then stays.</returns>
    string? OpenLog(string target);

    void CloseLog();

    /// <summary>-w / web_stats: the HTML status file, or null.</summary>
    string? WebStatsFile { get; set; }

    /// <summary>pen's HTML status page: rewrites the -w file first when there is one; null when it cannot be written.</summary>
    string? StatusPage();

    /// <summary>idlers: pre-connected idle server connections ready now.</summary>
    int IdlersReady => 0;

    /// <summary>The wanted number of idlers changed: trim or refill now.</summary>
    void WakeIdlers()
    {
    }

    /// <summary>ssl_ciphers: null when the TLS library accepts the cipher string, else why not, in one line.</summary>
    string? CipherListError(string list);

    /// <summary>web_listen: the observation endpoint's address as given, or null when it is closed.</summary>
    string? WebListenText => null;

    /// <summary>Opens the observation endpoint at <paramref name="spec"/>; one already open closes.</summary>
    /// <returns>Null on success, else a one-line reason; the old endpoint then stays.</returns>
    string? TryWebListen(ListenSpec spec) => "web_listen is not available here";

    /// <summary>no web_listen: closes the observation endpoint, if open.</summary>
    void CloseWebListen()
    {
    }

    /// <summary>peer_listen: the address peers send their client tables to, as given, or null when closed.</summary>
    string? PeerListenText => null;

    /// <summary>Opens the peer listener at <paramref name="spec"/>; one already open closes.</summary>
    /// <returns>Null on success, else a one-line reason; the old listener then stays.</returns>
    string? TryPeerListen(ListenSpec spec) => "peer_listen is not available here";

    /// <summary>no peer_listen: closes the peer listener, if open.</summary>
    void ClosePeerListen()
    {
    }

    /// <summary>peer or peer_key changed: links start, stop or reconnect to match <see cref="RuntimeSettings.Peers"/>.</summary>
    void PeersChanged()
    {
    }

    /// <summary>What the live status page shows now (json status, /api/status); null where there is no balancer.</summary>
    Status.LiveStatus? LiveStatus() => null;

    /// <summary>Stops the balancer cleanly, after the reply to the current command has been sent.</summary>
    void RequestExit();
}
