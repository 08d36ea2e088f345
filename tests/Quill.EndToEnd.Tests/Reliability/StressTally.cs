using System.Collections.Concurrent;
using System.Globalization;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>A campaign's counts, added to from many connections at once, and its one-line report.</summary>
internal sealed class StressTally
{
    private const int ProblemsKept = 20;

    private readonly ConcurrentQueue<string> _problems = new();
    private readonly int[] _verdicts = new int[Enum.GetValues<ExchangeVerdict>().Length];
    private long _bytesUp;
    private long _bytesDown;
    private int _notStarted;

    public long BytesUp => Interlocked.Read(ref _bytesUp);
    public long BytesDown => Interlocked.Read(ref _bytesDown);
    public int NotStarted => Volatile.Read(ref _notStarted);

    /// <summary>The first problems seen, each naming its connection's plan so that it can be replayed.</summary>
    public IEnumerable<string> Problems => _problems;

    public int Count(ExchangeVerdict verdict) => Volatile.Read(ref _verdicts[(int)verdict]);

    public void Add(ExchangeOutcome outcome)
    {
        Interlocked.Increment(ref _verdicts[(int)outcome.Verdict]);
        Interlocked.Add(ref _bytesUp, outcome.BytesUp);
        Interlocked.Add(ref _bytesDown, outcome.BytesDown);
        if (outcome.Problem is { } problem)
            Note(problem);
    }

    public void Note(string problem)
    {
        if (_problems.Count < ProblemsKept)
            _problems.Enqueue(problem);
    }

    public void MissedTheStartDeadline() => Interlocked.Increment(ref _notStarted);

    /// <summary>A markdown table row: transport, connections, bytes each way, mismatches, truncations, failures, duration.</summary>
    public string Row(string transport, TimeSpan duration) => string.Create(CultureInfo.InvariantCulture,
        $"| {transport} | {Count(ExchangeVerdict.Exact) + Count(ExchangeVerdict.Truncated) + Count(ExchangeVerdict.Mismatched) + Count(ExchangeVerdict.Failed)} " +
        $"| {BytesUp:N0} | {BytesDown:N0} | {Count(ExchangeVerdict.Mismatched)} | {Count(ExchangeVerdict.Truncated)} " +
        $"| {Count(ExchangeVerdict.Failed) + NotStarted} | {duration.TotalSeconds:F1} s |");
}
