using System.Net;
using System.Net.Sockets;
using Quill.Core.Control;
using Quill.Net.Connections;
using Quill.Net.Udp;

namespace Quill.Hosting;

/// <summary>Lists UDP sessions in the connection registry, so <c>connection N</c>, <c>close N</c>, the status page
/// and USR1 statistics show them as they show TCP connections; an ended session leaves its slot.</summary>
internal sealed class UdpSessionListings(ConnectionRegistry connections) : IUdpSessionWatcher
{
    public IUdpSessionListing Started(
        Socket listener, IPEndPoint client, int clientSlot, int server, Socket upstream, Action close, Action reportTraffic)
    {
        var listing = new Listing(connections, Descriptor(listener), clientSlot, close, reportTraffic);
        listing.Moved(server, upstream);
        connections.Add(listing);
        return listing;
    }

    private static long Descriptor(Socket socket)
    {
        try
        {
            return (long)socket.SafeHandle.DangerousGetHandle();
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }

    private sealed class Listing(ConnectionRegistry connections, long listener, int clientSlot, Action close, Action reportTraffic)
        : IUdpSessionListing, IListedConnection
    {
        private int _ended;
        private int _server;
        private long _upstream = -1;

        public int Id { get; set; } = -1;

        public void Moved(int server, Socket upstream)
        {
            Volatile.Write(ref _server, server);
            Volatile.Write(ref _upstream, Descriptor(upstream));
        }

        public void Ended()
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0) return;
            connections.Release(this);
        }

        public ConnectionView View() => new(2, listener, Volatile.Read(ref _upstream), clientSlot, Volatile.Read(ref _server), 0);

        public void Close() => close();

        public void ReportTraffic() => reportTraffic();
    }
}
