using Quill.Core.Control;

namespace Quill.Net.Connections;

/// <summary>
/// pen's connection slots: each open client connection has a number (lowest free first), which <c>connection N</c>
/// shows and <c>close N</c> closes. There are conn_max slots; the table only grows, and slots cost memory only once
/// used, so a large conn_max is cheap.
/// </summary>
public sealed class ConnectionRegistry(int capacity)
{
    private readonly Lock _gate = new();
    private readonly List<IListedConnection?> _slots = [];
    private readonly PriorityQueue<int, int> _released = new();
    private int _capacity = capacity;
    private int _last;

    /// <summary>accept_proxy's outcomes, shown with the statistics.</summary>

    public int Capacity
    {
        get
        {
            lock (_gate) return _capacity;
        }
    }

    /// <summary>Connections listed now (/metrics), without building their views.</summary>
    public int Open
    {
        get
        {
            lock (_gate) return _slots.Count - _released.Count;
        }
    }

    /// <summary>Lists <paramref name="connection"/> under the lowest free number; with none free (only while conn_max
    /// is growing) it gets -1 and is not listed.</summary>
    public void Add(IListedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            var id = _released.Count > 0 ? _released.Dequeue() : _slots.Count < _capacity ? _slots.Count : -1;
            connection.Id = id;
            if (id == _slots.Count) _slots.Add(connection);
            else if (id >= 0) _slots[id] = connection;
            if (id >= 0) _last = id;
        }
    }

    public void Release(IListedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_gate)
        {
            if (connection.Id >= 0 && ReferenceEquals(_slots[connection.Id], connection))
            {
                _slots[connection.Id] = null;
                _released.Enqueue(connection.Id, connection.Id);
            }
        }
    }

    /// <summary>The open connections and the number given last, for the status page and USR1 statistics.</summary>
    public (IReadOnlyList<Core.Status.ConnectionView> Connections, int Last) Snapshot()
    {
        lock (_gate)
        {
            var views = new List<Core.Status.ConnectionView>();
            foreach (var connection in _slots)
            {
                if (connection?.View() is { } view)
                    views.Add(new Core.Status.ConnectionView(connection.Id, view.DownFd, view.UpFd, 0, 0, view.Client, view.Server));
            }
            return (views, _last);
        }
    }

    public void Grow(int capacity)
    {
        lock (_gate) _capacity = Math.Max(_capacity, capacity);
    }

    /// <summary>Null when <paramref name="id"/> is outside the table.</summary>
    public ConnectionView? Find(int id)
    {
        lock (_gate)
        {
            if ((uint)id >= (uint)_capacity) return null;
            return id < _slots.Count && _slots[id] is { } connection ? connection.View() : ConnectionView.Unused;
        }
    }

    /// <summary>False when <paramref name="id"/> is outside the table; closing an unused slot does nothing, as in pen.</summary>
    public bool Close(int id)
    {
        IListedConnection? connection;
        lock (_gate)
        {
            if ((uint)id >= (uint)_capacity) return false;
            connection = id < _slots.Count ? _slots[id] : null;
        }
        connection?.Close();
        return true;
    }

    public int FindSocket(long fd)
    {
        lock (_gate)
        {
            for (var id = 0; id < _slots.Count; id++)
            {
                if (_slots[id]?.View() is { } c && (c.DownFd == fd || c.UpFd == fd)) return id;
            }
        }
        return -1;
    }

    /// <summary>Every open connection passes its latest bytes on to the counters (the once-a-second sweep).</summary>
    public void ReportTraffic()
    {
        IListedConnection?[] open;
        lock (_gate) open = [.. _slots];
        foreach (var connection in open) connection?.ReportTraffic();
    }
}
