namespace Quill.Core.Model;

/// <summary>
/// What has happened to one server since start, beyond pen's counters: connections made, connects that failed (by
/// reason), blacklistings, connect times. Written by the connection lifecycle and the selector, read by /metrics.
/// </summary>
public sealed class ServerStatistics
{
    private readonly Lock _failuresGate = new();
    private readonly Dictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _checks = new(StringComparer.Ordinal);
    private long _connections;
    private long _blacklistings;

    /// <summary>Connections that reached the server.</summary>
    public long Connections => Volatile.Read(ref _connections);

    /// <summary>Times the server was blacklisted after a failed connect.</summary>
    public long Blacklistings => Volatile.Read(ref _blacklistings);

    /// <summary>Time from choosing the server to the connect completing, for connects that succeeded.</summary>
    public LatencyHistogram ConnectTime { get; } = new();

    public void Connected(TimeSpan connectTime)
    {
        Interlocked.Increment(ref _connections);
        ConnectTime.Record(connectTime);
    }

    public void Blacklisted() => Interlocked.Increment(ref _blacklistings);

    /// <param name="reason">As the debug log words it ("connection refused", "timed out"...): a short, closed set.</param>
    public void ConnectFailed(string reason)
    {
        lock (_failuresGate) _failures[reason] = _failures.GetValueOrDefault(reason) + 1;
    }

    public KeyValuePair<string, long>[] ConnectFailures()
    {
        lock (_failuresGate) return [.. _failures];
    }

    /// <summary>How long active health checks took, whatever their result.</summary>
    public LatencyHistogram CheckTime { get; } = new();

    /// <param name="result">As <c>health</c> shows it: <c>ok</c> or <c>fail:REASON</c>, a short, closed set.</param>
    public void Checked(string result, TimeSpan duration)
    {
        CheckTime.Record(duration);
        lock (_failuresGate) _checks[result] = _checks.GetValueOrDefault(result) + 1;
    }

    public KeyValuePair<string, long>[] CheckResults()
    {
        lock (_failuresGate) return [.. _checks];
    }
}
