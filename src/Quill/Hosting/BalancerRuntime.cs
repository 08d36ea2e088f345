using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Diagnostics;
using Quill.Net;
using Quill.Net.Connections;
using Quill.Net.Listening;
using Quill.Observation;
using Quill.Operations;

namespace Quill.Hosting;

/// <summary>The running process as control commands see it: listener, connection slots, debug level, exit.</summary>
internal sealed class BalancerRuntime(
    ListenerSlot listeners, ConnectionRegistry connections, TcpIntake? accepting, DebugLog log, int backlog,
    CancellationTokenSource exit, OperationsHost operations) : IBalancerRuntime
{
    public string? LogTarget => operations.AccessLog.Target;


    public string? CipherListError(string list) => Net.Tls.OpenSslCipherList.Refusal(list);

    public string? OpenLog(string target)
    {
        try
        {
            operations.AccessLog.Open(target);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return $"cannot open '{target}': {e.Message}";
        }
    }

    public void CloseLog() => operations.AccessLog.Close();

    public string? WebStatsFile
    {
        get => operations.Status.WebStatsFile;
        set => operations.Status.WebStatsFile = value;
    }

    public string? StatusPage()
    {
        try
        {
            return operations.Status.WriteWebStats() ?? operations.Status.RenderHtml();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Write(0, $"cannot write {WebStatsFile}: {e.Message}");
            return null;
        }
    }

    public int ProcessId => Environment.ProcessId;

    public int DebugLevel
    {
        get => log.Level;
        set => log.Level = value;
    }

    public int SyslogFacility
    {
        get => log.Facility;
        set => log.Facility = value;
    }

    public StderrFormat? StderrFormatChoice
    {
        get => log.StderrFormatChoice;
        set => log.StderrFormatChoice = value;
    }

    public StderrFormat StderrFormat => log.StderrFormat;

    public int ConnectionsMax => connections.Capacity;

    public void GrowConnections(int connectionsMax)
    {
        connections.Grow(connectionsMax);
        accepting?.Grow(connectionsMax);
    }

    public string? ListenText => listeners.Text;

    public string? TryListen(ListenSpec spec)
    {
        // A reload re-runs the file's listen line: the socket already open there stays (a second bind would fail).
        if (spec.Text == listeners.Text && listeners.Current is not null) return null;
        try
        {
            listeners.Replace(ConnectionListener.Open(EndPointResolver.ResolveListen(spec), backlog), spec.Text);
            log.Write(1, $"listening on {spec.Text}");
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        catch (SocketException e)
        {
            return $"cannot listen on {spec.Text}: {SocketErrorText.Describe(e.SocketErrorCode)}";
        }
    }

    public EndPoint? ResolveServer(string address, int port, out string error) =>
        EndPointResolver.TryResolveServer(address, port, out error);

    public ConnectionView? FindConnection(int id) => connections.Find(id);

    public bool CloseConnection(int id) => connections.Close(id);

    public int ConnectionOfSocket(long fd) => connections.FindSocket(fd);

    /// <summary>The web_listen endpoint (closed until a command opens it).</summary>
    public ObservationEndpoint? Web { get; set; }

    /// <summary>What json status and /api/status read.</summary>
    public LiveStatusSource? Live { get; set; }

    public string? WebListenText => Web?.Text;

    public string? TryWebListen(ListenSpec spec) => Web is { } web ? web.TryListen(spec) : "web_listen is not available here";

    public void CloseWebListen() => Web?.Close();

    /// <summary>The client-table sync (peer, peer_listen, peer_key).</summary>
    public Peers.PeerSync? Peers { get; set; }

    public string? PeerListenText => Peers?.ListenText;

    public string? TryPeerListen(ListenSpec spec) => Peers is { } peers ? peers.TryListen(spec) : "peer_listen is not available here";

    public void ClosePeerListen() => Peers?.CloseListen();

    public void PeersChanged() => Peers?.Reconcile();

    public Core.Status.LiveStatus? LiveStatus() => Live?.Read();

    /// <summary>The idler pool, once the TCP balancer runs.</summary>
    public IdlerPool? Idlers { get; set; }

    public int IdlersReady => Idlers?.Ready ?? 0;

    public void WakeIdlers() => Idlers?.Wake();

    public void RequestExit()
    {
        log.Write(1, "exit requested on the control port");
        exit.Cancel();
    }
}
