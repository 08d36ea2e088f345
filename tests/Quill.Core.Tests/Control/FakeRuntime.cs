using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Control;

namespace Quill.Core.Tests.Control;

/// <summary>Records what the dispatcher asks of the process; 4 connection slots, slot 1 in use.</summary>
internal sealed class FakeRuntime : IBalancerRuntime
{
    public int ProcessId => 4242;
    public int DebugLevel { get; set; }
    public int SyslogFacility { get; set; } = Quill.Core.Configuration.SyslogFacility.User;
    public StderrFormat? StderrFormatChoice { get; set; }
    public StderrFormat StderrFormat => StderrFormatChoice ?? StderrFormat.Pen;
    public int ConnectionsMax { get; private set; } = 4;
    public string? ListenText { get; private set; } = "127.0.0.1:8080";
    public List<string> Listened { get; } = [];
    public List<int> Closed { get; } = [];
    public int ExitRequests { get; private set; }

    /// <summary>web_listen: the spec the web endpoint was last opened at; null while closed.</summary>
    public ListenSpec? WebListen { get; private set; }

    public string? WebListenText => WebListen?.Text;

    /// <summary>ssl_ciphers: OpenSSL's checks are Quill.Net's tests; here one string stands for every refusal.</summary>
    public const string RefusedCiphers = "RC4:3DES";

    public string? CipherListError(string list) => list == RefusedCiphers ? $"OpenSSL refuses '{list}': no cipher match" : null;

    public string? TryWebListen(ListenSpec spec)
    {
        WebListen = spec;
        return null;
    }

    public void CloseWebListen() => WebListen = null;

    /// <summary>peer_listen: the spec last opened; null while closed.</summary>
    public ListenSpec? PeerListen { get; private set; }

    public string? PeerListenText => PeerListen?.Text;

    public string? TryPeerListen(ListenSpec spec)
    {
        PeerListen = spec;
        return null;
    }

    public void ClosePeerListen() => PeerListen = null;

    /// <summary>How often peer or peer_key told the process to reconcile its links.</summary>
    public int PeerChanges { get; private set; }

    public void PeersChanged() => PeerChanges++;

    /// <summary>A listen address this fake refuses, as if it were in use.</summary>
    public string BusyListen { get; set; } = "127.0.0.1:1";

    public void GrowConnections(int connectionsMax) => ConnectionsMax = Math.Max(ConnectionsMax, connectionsMax);

    public string? TryListen(ListenSpec spec)
    {
        if (spec.Text == BusyListen)
        {
            return $"cannot listen on {spec.Text}: address already in use";
        }

        Listened.Add(spec.Text);
        ListenText = spec.Text;
        return null;
    }

    public EndPoint? ResolveServer(string address, int port, out string error)
    {
        error = "";
        if (IPAddress.TryParse(address, out var ip))
        {
            return new IPEndPoint(ip, port);
        }

        if (address == "backend.example")
        {
            return new IPEndPoint(IPAddress.Parse("10.1.2.3"), port);
        }

        error = $"unknown or invalid address [{address}]";
        return null;
    }

    public ConnectionView? FindConnection(int id) => id switch
    {
        1 => new ConnectionView(2, 17, 18, 0, 1, 0),
        >= 0 when id < ConnectionsMax => ConnectionView.Unused,
        _ => null,
    };

    public bool CloseConnection(int id)
    {
        if (id < 0 || id >= ConnectionsMax)
        {
            return false;
        }

        Closed.Add(id);
        return true;
    }

    public int ConnectionOfSocket(long fd) => fd is 17 or 18 ? 1 : -1;

    public void RequestExit() => ExitRequests++;

    public string? LogTarget { get; private set; }

    /// <summary>A log target this fake cannot open.</summary>
    public string BadLog { get; set; } = "/nonexistent/quill.log";

    public string? OpenLog(string target)
    {
        if (target == BadLog) return $"cannot open '{target}': no such directory";
        LogTarget = target;
        return null;
    }

    public void CloseLog() => LogTarget = null;

    public string? WebStatsFile { get; set; }

    public string? StatusPage() => "<html>status</html>\n";
}
