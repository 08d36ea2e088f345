using System.Net.Sockets;
using Quill.Core.Control;

namespace Quill.Hosting;

/// <summary>
/// pen's connection slots: each open client connection has a number (lowest free first), which <c>connection N</c>
/// shows and <c>close N</c> closes. There are conn_max slots; the table only grows.
/// </summary>
internal sealed class ConnectionRegistry(int slots)
{
    private readonly Lock _gate = new();
    private readonly SortedSet<int> _free = [.. Enumerable.Range(0, slots)];
    private OpenConnection?[] _slots = new OpenConnection?[slots];

    public int Capacity
    {
        get
        {
            lock (_gate) return _slots.Length;
        }
    }

    /// <summary>Gives the client a slot; with none free (only while conn_max is growing) it gets -1 and is not listed.</summary>
    public OpenConnection Open(Socket client, int clientSlot, CancellationToken stopping)
    {
        lock (_gate)
        {
            var id = _free.Count > 0 ? _free.Min : -1;
            var connection = new OpenConnection(id, client, clientSlot, stopping);
            if (id >= 0)
            {
                _free.Remove(id);
                _slots[id] = connection;
            }
            return connection;
        }
    }

    public void Release(OpenConnection connection)
    {
        lock (_gate)
        {
            if (connection.Id >= 0 && ReferenceEquals(_slots[connection.Id], connection))
            {
                _slots[connection.Id] = null;
                _free.Add(connection.Id);
            }
        }
        connection.Dispose();
    }

    public void Grow(int slots)
    {
        lock (_gate)
        {
            for (var id = _slots.Length; id < slots; id++) _free.Add(id);
            if (slots > _slots.Length) Array.Resize(ref _slots, slots);
        }
    }

    /// <summary>Null when <paramref name="id"/> is outside the table.</summary>
    public ConnectionView? Find(int id)
    {
        lock (_gate)
        {
            if ((uint)id >= (uint)_slots.Length) return null;
            return _slots[id]?.View() ?? ConnectionView.Unused;
        }
    }

    /// <summary>False when <paramref name="id"/> is outside the table; closing an unused slot does nothing, as in pen.</summary>
    public bool Close(int id)
    {
        OpenConnection? connection;
        lock (_gate)
        {
            if ((uint)id >= (uint)_slots.Length) return false;
            connection = _slots[id];
        }
        connection?.Close();
        return true;
    }

    public int FindSocket(long fd)
    {
        lock (_gate)
        {
            for (var id = 0; id < _slots.Length; id++)
            {
                if (_slots[id]?.View() is { } c && (c.DownFd == fd || c.UpFd == fd)) return id;
            }
        }
        return -1;
    }
}
