using System.Threading.Channels;

namespace Quill.Core.Peers;

/// <summary>
/// The client table's changes, fanned out to one bounded queue per connected peer. <see cref="Publish"/> runs under
/// the table's lock on the data path, so it only tries a non-blocking write per peer: a full queue drops the change
/// and marks the peer as behind, and its link then sends a full copy instead of waiting.
/// </summary>
public sealed class ClientChanges
{
    /// <summary>A peer's queue holds at most this many changes.</summary>
    public const int QueueLength = 65536;

    /// <summary>A client still on its server is told again after this long, so the peer's last-use time stays near.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    /// <summary>A new queue for one peer link; dispose it when the link closes.</summary>
    public Subscription Subscribe()
    {
        var subscription = new Subscription(this);
        lock (_gate) _subscriptions = [.. _subscriptions, subscription];
        return subscription;
    }

    internal void Publish(ClientChange change)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!subscription.Queue.Writer.TryWrite(change)) subscription.Behind = true;
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate) _subscriptions = [.. _subscriptions.Where(s => s != subscription)];
    }

    /// <summary>One peer's queue of changes.</summary>
    public sealed class Subscription(ClientChanges owner) : IDisposable
    {
        internal Channel<ClientChange> Queue { get; } = Channel.CreateBounded<ClientChange>(
            new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

        private volatile bool _behind;

        /// <summary>Set when a change was dropped because the queue was full: the peer needs a full copy.</summary>
        public bool Behind
        {
            get => _behind;
            internal set => _behind = value;
        }

        public ChannelReader<ClientChange> Changes => Queue.Reader;

        /// <summary>Clears <see cref="Behind"/> and empties the queue, before a full copy is taken.</summary>
        public void StartOver()
        {
            _behind = false;
            while (Queue.Reader.TryRead(out _))
            {
            }
        }

        public void Dispose() => owner.Remove(this);
    }
}
