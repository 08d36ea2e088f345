namespace Quill.Core.Status;

/// <summary>The last few error lines quill logged (debug level 0), kept for the live status page.</summary>
public sealed class RecentErrors
{
    public const int Capacity = 20;

    private readonly Lock _gate = new();
    private readonly Queue<Entry> _entries = new(Capacity);

    public readonly record struct Entry(DateTimeOffset Time, string Message);

    public void Add(DateTimeOffset time, string message)
    {
        lock (_gate)
        {
            if (_entries.Count == Capacity) _entries.Dequeue();
            _entries.Enqueue(new Entry(time, message));
        }
    }

    /// <summary>Oldest first.</summary>
    public Entry[] Snapshot()
    {
        lock (_gate) return [.. _entries];
    }
}
