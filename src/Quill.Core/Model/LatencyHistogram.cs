namespace Quill.Core.Model;

/// <summary>
/// Durations counted into fixed buckets, cumulative when read (as Prometheus histograms are): cheap enough to record
/// on every connect, lock-free, and readable at any time by a scrape.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds: from a loopback connect (0.1 ms) to a connect timeout (up to -t).</summary>
    public static readonly IReadOnlyList<double> Bounds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _counts = new long[Bounds.Count + 1];
    private long _sumMicroseconds;

    public void Record(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        var bucket = 0;
        while (bucket < Bounds.Count && seconds > Bounds[bucket]) bucket++;
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumMicroseconds, (long)(duration.Ticks / TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>Cumulative counts per bound in <see cref="Bounds"/>, then the total count (the +Inf bucket).</summary>
    public long[] Cumulative()
    {
        var result = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++) result[i] = running += Volatile.Read(ref _counts[i]);
        return result;
    }

    public double SumSeconds => Volatile.Read(ref _sumMicroseconds) / 1e6;

    /// <summary>Durations recorded.</summary>
    public long Count
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _counts.Length; i++) total += Volatile.Read(ref _counts[i]);
            return total;
        }
    }
}
