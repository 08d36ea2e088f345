namespace Quill.Net.Connections;

/// <summary>
/// Once a second, every open connection passes on the bytes it moved since its last report, so a connection that
/// moves less than <see cref="TrafficCounter.ReportEvery"/> still shows in the counters within a second.
/// </summary>
public sealed class TrafficSweep : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ITimer _timer;

    public TrafficSweep(ConnectionRegistry registry, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(time);
        _timer = time.CreateTimer(static state => ((ConnectionRegistry)state!).ReportTraffic(), registry, Interval, Interval);
    }

    public void Dispose() => _timer.Dispose();
}
