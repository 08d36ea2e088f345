using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Net;

namespace Quill.Hosting;

/// <summary>
/// The process as a configuration check sees it (<c>quill --check</c>, the reload's check): addresses are resolved
/// as a start resolves them, but nothing is opened: no listener, no log file, no connection, no exit. The connection
/// slots are those of a start, all unused.
/// </summary>
internal sealed class CheckingRuntime(QuillOptions options) : IBalancerRuntime
{
    public int ProcessId => Environment.ProcessId;

    public int DebugLevel { get; set; } = options.DebugLevel;

    public int SyslogFacility { get; set; } = Core.Configuration.SyslogFacility.User;

    public StderrFormat? StderrFormatChoice { get; set; }

    public StderrFormat StderrFormat => StderrFormatChoice ?? StderrFormat.Pen;

    public int ConnectionsMax { get; private set; } = options.ConnectionsMax;

    public void GrowConnections(int connectionsMax) => ConnectionsMax = Math.Max(ConnectionsMax, connectionsMax);

    /// <summary>Null until a listen command; a start opens the command line's listener only after -o and -F.</summary>
    public string? ListenText { get; private set; }

    public string? TryListen(ListenSpec spec)
    {
        var error = Unresolvable(spec);
        if (error is null) ListenText = spec.Text;
        return error;
    }

    /// <summary>ssl_ciphers: OpenSSL parses the string as at a start.</summary>
    public string? CipherListError(string list) => Net.Tls.OpenSslCipherList.Refusal(list);

    /// <summary>web_listen: resolved as the endpoint would be, never opened.</summary>
    public string? WebListenText { get; private set; }

    public string? TryWebListen(ListenSpec spec)
    {
        var error = Unresolvable(spec);
        if (error is null) WebListenText = spec.Text;
        return error;
    }

    public void CloseWebListen() => WebListenText = null;

    /// <summary>peer_listen: resolved as the receiver would be, never opened.</summary>
    public string? PeerListenText { get; private set; }

    public string? TryPeerListen(ListenSpec spec)
    {
        var error = Unresolvable(spec);
        if (error is null) PeerListenText = spec.Text;
        return error;
    }

    public void ClosePeerListen() => PeerListenText = null;

    /// <summary>Why <paramref name="spec"/> could not be listened on, as far as can be told without opening it.</summary>
    private static string? Unresolvable(ListenSpec spec)
    {
        try
        {
            EndPointResolver.ResolveListen(spec);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    public EndPoint? ResolveServer(string address, int port, out string error) =>
        EndPointResolver.TryResolveServer(address, port, out error);

    public ConnectionView? FindConnection(int id) => id >= 0 && id < ConnectionsMax ? ConnectionView.Unused : null;

    public bool CloseConnection(int id) => id >= 0 && id < ConnectionsMax;

    public int ConnectionOfSocket(long fd) => -1;

    public string? LogTarget { get; private set; }

    public string? OpenLog(string target)
    {
        LogTarget = target;
        return null;
    }

    public void CloseLog() => LogTarget = null;

    public string? WebStatsFile { get; set; } = options.WebStatsFile;

    /// <summary>The page is not written; an empty one stands for it.</summary>
    public string? StatusPage() => "";

    public void RequestExit()
    {
    }
}
