using System.Net.Sockets;
using Quill.Core.Model;
using Quill.Core.Status;

namespace Quill.Operations;

/// <summary>
/// The open connections, numbered like pen's connection table (the lowest free number), for the status page and
/// the USR1 statistics. Touched once when a connection opens, once when it connects and once when it ends.
/// </summary>
internal sealed class ConnectionRegistry(int connectionsMax)
{
    private readonly Lock _gate = new();
    private readonly List<Entry?> _slots = [];
    private int _last;

    public int ConnectionsMax => connectionsMax;

    public int Open(Socket client, int clientSlot)
    {
        lock (_gate)
        {
            var slot = _slots.IndexOf(null);
            if (slot < 0)
            {
                slot = _slots.Count;
                _slots.Add(null);
            }

            _slots[slot] = new Entry(client, clientSlot) { Server = ServerIndex.None };
            _last = slot;
            return slot;
        }
    }

    public void Connected(int slot, int server, Socket upstream)
    {
        lock (_gate)
        {
            if (_slots[slot] is { } entry)
            {
                entry.Server = server;
                entry.Upstream = upstream;
            }
        }
    }

    public void Close(int slot)
    {
        lock (_gate) _slots[slot] = null;
    }

    public (IReadOnlyList<ConnectionView> Connections, int Last) Snapshot()
    {
        lock (_gate)
        {
            var views = new List<ConnectionView>();
            for (var i = 0; i < _slots.Count; i++)
            {
                if (_slots[i] is { } e)
                    views.Add(new ConnectionView(i, Descriptor(e.Client), Descriptor(e.Upstream), 0, 0, e.ClientSlot, e.Server));
            }

            return (views, _last);
        }
    }

    /// <summary>Read only when a report asks for it: the descriptor is informational and the socket may just have closed.</summary>
    private static long Descriptor(Socket? socket)
    {
        try
        {
            return socket is null ? -1 : (long)socket.Handle;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }

    private sealed class Entry(Socket client, int clientSlot)
    {
        public Socket Client { get; } = client;
        public int ClientSlot { get; } = clientSlot;
        public int Server { get; set; }
        public Socket? Upstream { get; set; }
    }
}
