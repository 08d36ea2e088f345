namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// Every soak connection's start and end (Stopwatch timestamps) and outcome, in arrays sized once, so that the
/// failures can be matched to the kills afterwards without a lock or an allocation per connection.
/// </summary>
internal sealed class SoakRecords(int capacity)
{
    private readonly long[] _starts = new long[capacity];
    private readonly long[] _ends = new long[capacity];
    private readonly SoakOutcome[] _outcomes = new SoakOutcome[capacity];
    private int _count;

    public int Capacity => capacity;

    /// <summary>Records written; call after the load has ended.</summary>
    public int Count => Volatile.Read(ref _count);

    public long Start(int index) => _starts[index];

    public long End(int index) => _ends[index];

    public SoakOutcome Outcome(int index) => _outcomes[index];

    /// <summary>Each index is written by the one worker that took it.</summary>
    public void Write(int index, long start, long end, SoakOutcome outcome)
    {
        _starts[index] = start;
        _ends[index] = end;
        _outcomes[index] = outcome;
        Interlocked.Increment(ref _count);
    }
}
