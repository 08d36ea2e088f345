using System.Net;

namespace Quill.Core.Model;

/// <summary>
/// Sticky client table: -c slots keyed by client IP (the port is ignored; unix clients share one key), least
/// recently used slot evicted when full, -T expiry. Unlike pen, an expired client is really forgotten: it comes
/// back as a new client with no stored server. Lookups and inserts are O(1) and an existing client costs no
/// allocation. Thread-safe: every member takes <see cref="Gate"/>, which the selector also holds while choosing.
/// </summary>
public sealed class ClientTable
{
    /// <summary>The slot of a connection whose client is not in the table (one client_acl refused).</summary>
    internal const int NoSlot = -1;
    private const int InitialSlots = 4096;

    private readonly TimeProvider _time;
    private readonly Dictionary<ClientKey, int> _index;
    private Slot[] _slots;
    private int _used;
    private int _capacity;
    private int _mostRecent = NoSlot;
    private int _leastRecent = NoSlot;
    private long _evictions;

    /// <param name="capacity">-c: number of slots.</param>
    /// <param name="time">Clock for last-use times and expiry.</param>
    /// <param name="trackingSeconds">-T: seconds after which a client is forgotten; 0 = never.</param>
    public ClientTable(int capacity, TimeProvider time, int trackingSeconds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _capacity = capacity;
        TrackingSeconds = trackingSeconds;
        // Slots are allocated as clients arrive (doubling), so a large -c costs memory only when used.
        _slots = new Slot[Math.Min(capacity, InitialSlots)];
        _index = new Dictionary<ClientKey, int>(_slots.Length);
    }

    /// <summary>The lock shared with the selector.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>-c: the number of slots (pen's clients_max).</summary>
    public int Capacity
    {
        get
        {
            lock (Gate)
            {
                return _capacity;
            }
        }
    }

    /// <summary>-T: seconds after which a client is forgotten; 0 = never. May change at runtime.</summary>
    public int TrackingSeconds { get; set; }

    /// <summary>
    /// The peer sync's feed: told, under the table's lock, of each client whose server changes, and of a client
    /// still using its server once <see cref="Peers.ClientChanges.Refresh"/> has passed since it was last told, so
    /// a peer's last-use times stay near ours. Null without peers.
    /// </summary>
    public Peers.ClientChanges? Changes { get; set; }

    /// <summary>Slots in use (clients remembered, expired ones until their slot is taken again).</summary>
    public int Count
    {
        get
        {
            lock (Gate) return _used;
        }
    }

    /// <summary>Clients forgotten to make room for a new one since start (/metrics).</summary>
    public long Evictions
    {
        get
        {
            lock (Gate) return _evictions;
        }
    }

    /// <summary>Raises the capacity; like pen's clients_max it never shrinks, so smaller values are ignored.</summary>
    public void Grow(int capacity)
    {
        lock (Gate)
        {
            _capacity = Math.Max(_capacity, capacity);
        }
    }

    /// <summary>The remembered, unexpired clients in slot order (pen's "Active clients").</summary>
    public IReadOnlyList<ClientEntry> Snapshot()
    {
        lock (Gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            var entries = new List<ClientEntry>(_used);
            for (var i = 0; i < _used; i++)
            {
                ref readonly var slot = ref _slots[i];
                if (!IsExpired(slot, now))
                {
                    entries.Add(ToEntry(i, slot));
                }
            }

            return entries;
        }
    }

    /// <summary>The entry for one client, or null when it is not remembered (or has expired).</summary>
    public ClientEntry? Find(IPAddress? client)
    {
        lock (Gate)
        {
            if (!_index.TryGetValue(ClientKey.From(client), out var i))
            {
                return null;
            }

            return IsExpired(_slots[i], _time.GetUtcNow().UtcTicks) ? null : ToEntry(i, _slots[i]);
        }
    }

    /// <summary>
    /// pen's store_client: finds or enters the client, resets it when new or expired, then stamps last use and
    /// counts the connection. Returns the slot; <paramref name="generation"/> changes whenever the slot starts
    /// describing a different client, so late updates for an evicted client are dropped.
    /// </summary>
    internal int Record(ClientKey key, out int generation)
    {
        lock (Gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (_index.TryGetValue(key, out var i))
            {
                if (IsExpired(_slots[i], now))
                {
                    Reset(ref _slots[i], key);
                }

                Unlink(i);
            }
            else
            {
                i = TakeSlot();
                _index.Add(key, i);
                Reset(ref _slots[i], key);
            }

            ref var slot = ref _slots[i];
            slot.LastTicks = now;
            slot.Connects++;
            PushMostRecent(i);
            generation = slot.Generation;
            return i;
        }
    }

    /// <summary>The client's slot without counting a connection (entered, with nothing stored, when absent).</summary>
    internal int Locate(ClientKey key, out int generation)
    {
        lock (Gate)
        {
            if (!_index.TryGetValue(key, out var i)) return Record(key, out generation);
            generation = _slots[i].Generation;
            return i;
        }
    }

    /// <summary>
    /// Takeover: enters a client the previous process remembered, with its last use, server and counters; a client
    /// already here (it came during the handover) keeps its own server and last use and adds the counters.
    /// </summary>
    public void Merge(ClientEntry moved)
    {
        lock (Gate)
        {
            var key = ClientKey.From(moved.Address);
            if (!_index.TryGetValue(key, out var i))
            {
                i = TakeSlot();
                _index.Add(key, i);
                Reset(ref _slots[i], key);
                _slots[i].LastTicks = moved.Last.UtcTicks;
                _slots[i].Server = moved.Server;
                PushMostRecent(i);
            }
            ref var slot = ref _slots[i];
            slot.Connects += moved.Connects;
            slot.SentToClient += moved.SentToClient;
            slot.ReceivedFromClient += moved.ReceivedFromClient;
        }
    }

    internal int StoredServer(int slot, int generation)
    {
        lock (Gate)
        {
            return IsCurrent(slot, generation) ? _slots[slot].Server : ServerIndex.None;
        }
    }

    internal void StoreServer(int slot, int generation, int server)
    {
        lock (Gate)
        {
            if (!IsCurrent(slot, generation)) return;
            ref var stored = ref _slots[slot];
            var changed = stored.Server != server;
            stored.Server = server;
            if (Changes is { } changes && stored.Key.Family != System.Net.Sockets.AddressFamily.Unix)
            {
                if (changed || stored.LastTicks - stored.ToldTicks >= Peers.ClientChanges.Refresh.Ticks)
                {
                    stored.ToldTicks = stored.LastTicks;
                    changes.Publish(new Peers.ClientChange(stored.Key, server));
                }
            }
        }
    }

    /// <summary>
    /// A peer's assignment: the client uses <paramref name="server"/>, last seen at <paramref name="last"/>. Taken
    /// unless this table knows the client from a later use (so two tables that both served it agree afterwards:
    /// the newer use wins on both sides). A client not here is entered, with no connection counted. The peers are
    /// not told (they sent it). Returns whether the table changed.
    /// </summary>
    public bool Apply(IPAddress client, int server, DateTimeOffset last)
    {
        ArgumentNullException.ThrowIfNull(client);
        var key = ClientKey.From(client);
        lock (Gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            var lastTicks = Math.Min(last.UtcTicks, now);
            var present = _index.TryGetValue(key, out var i);
            if (present && !IsExpired(_slots[i], now))
            {
                ref readonly var known = ref _slots[i];
                if (known.Server != ServerIndex.None && known.LastTicks >= lastTicks) return false;
                Unlink(i);
            }
            else
            {
                if (present)
                {
                    Unlink(i);
                }
                else
                {
                    i = TakeSlot();
                    _index.Add(key, i);
                }

                Reset(ref _slots[i], key);
            }

            ref var slot = ref _slots[i];
            slot.Server = server;
            slot.LastTicks = lastTicks;
            slot.ToldTicks = lastTicks;
            PushMostRecent(i);
            return true;
        }
    }

    internal void AddBytes(int slot, int generation, long sentToClient, long receivedFromClient)
    {
        lock (Gate)
        {
            if (IsCurrent(slot, generation))
            {
                _slots[slot].SentToClient += sentToClient;
                _slots[slot].ReceivedFromClient += receivedFromClient;
            }
        }
    }

    private bool IsCurrent(int slot, int generation) =>
        (uint)slot < (uint)_used && _slots[slot].Generation == generation;

    private bool IsExpired(in Slot slot, long nowTicks)
    {
        var tracking = TrackingSeconds;
        return tracking > 0 && nowTicks - slot.LastTicks > tracking * TimeSpan.TicksPerSecond;
    }

    private static void Reset(ref Slot slot, ClientKey key)
    {
        slot.Key = key;
        slot.Server = ServerIndex.None;
        slot.Connects = 0;
        slot.SentToClient = 0;
        slot.ReceivedFromClient = 0;
        slot.ToldTicks = 0;
        slot.Generation++;
    }

    private int TakeSlot()
    {
        if (_used < _capacity)
        {
            if (_used == _slots.Length)
            {
                Array.Resize(ref _slots, (int)Math.Min(_capacity, 2L * _slots.Length));
            }

            return _used++;
        }

        // Full: the least recently used slot goes; an expired client is always older than a live one.
        _evictions++;
        var victim = _leastRecent;
        Unlink(victim);
        _index.Remove(_slots[victim].Key);
        return victim;
    }

    private void Unlink(int i)
    {
        ref var slot = ref _slots[i];
        if (slot.Newer == NoSlot)
        {
            _mostRecent = slot.Older;
        }
        else
        {
            _slots[slot.Newer].Older = slot.Older;
        }

        if (slot.Older == NoSlot)
        {
            _leastRecent = slot.Newer;
        }
        else
        {
            _slots[slot.Older].Newer = slot.Newer;
        }
    }

    private void PushMostRecent(int i)
    {
        ref var slot = ref _slots[i];
        slot.Newer = NoSlot;
        slot.Older = _mostRecent;
        if (_mostRecent == NoSlot)
        {
            _leastRecent = i;
        }
        else
        {
            _slots[_mostRecent].Newer = i;
        }

        _mostRecent = i;
    }

    private static ClientEntry ToEntry(int i, in Slot slot) => new(
        i, slot.Key.ToAddress(), new DateTimeOffset(slot.LastTicks, TimeSpan.Zero), slot.Server, slot.Connects,
        slot.SentToClient, slot.ReceivedFromClient);

    /// <summary>No references inside, so a table of a million slots is one block the GC never scans.</summary>
    private struct Slot
    {
        public ClientKey Key;
        public long LastTicks;
        public long Connects;
        public long SentToClient;
        public long ReceivedFromClient;
        public long ToldTicks;
        public int Server;
        public int Generation;
        public int Newer;
        public int Older;
    }
}
