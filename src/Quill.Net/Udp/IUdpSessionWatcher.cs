using System.Net;
using System.Net.Sockets;

namespace Quill.Net.Udp;

/// <summary>Hears about UDP sessions so the host can list them with the TCP connections (connection N, status, USR1).</summary>
public interface IUdpSessionWatcher
{
    /// <summary>A session started, connected to <paramref name="server"/>.</summary>
    /// <param name="listener">The listen socket: a UDP session's client side.</param>
    /// <param name="close">Ends the session (for <c>close N</c>); safe to call from any thread, more than once.</param>
    /// <param name="reportTraffic">Passes the session's latest bytes on to the counters (the once-a-second sweep).</param>
    IUdpSessionListing Started(Socket listener, IPEndPoint client, int clientSlot, int server, Socket upstream, Action close,
        Action reportTraffic);
}

/// <summary>One listed UDP session.</summary>
public interface IUdpSessionListing
{
    /// <summary>The session failed over to another server and socket.</summary>
    void Moved(int server, Socket upstream);

    /// <summary>The session ended (idle, closed, failed); called once.</summary>
    void Ended();
}
