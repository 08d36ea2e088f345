using System.Net;
using System.Net.Sockets;
using Quill.Net.Udp;

namespace Quill.Hosting;

/// <summary>Lists UDP sessions in the connection registry, so <c>connection N</c>, <c>close N</c>, the status page
/// and USR1 statistics show them as they show TCP connections; an ended session leaves its slot.</summary>
internal sealed class UdpSessionListings(ConnectionRegistry connections, CancellationToken stopping) : IUdpSessionWatcher
{
    public IUdpSessionListing Started(Socket listener, IPEndPoint client, int clientSlot, int server, Socket upstream, Action close)
    {
        var connection = connections.Open(listener, clientSlot, stopping);
        connection.ConnectingTo(server);
        connection.Connected(upstream);
        var closing = connection.Closing.Register(close);
        return new Listing(connections, connection, closing);
    }

    private sealed class Listing(ConnectionRegistry connections, OpenConnection connection, CancellationTokenRegistration closing)
        : IUdpSessionListing
    {
        private int _ended;

        public void Moved(int server, Socket upstream)
        {
            connection.ConnectingTo(server);
            connection.Connected(upstream);
        }

        public void Ended()
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0) return;
            closing.Dispose();
            connections.Release(connection);
        }
    }
}
