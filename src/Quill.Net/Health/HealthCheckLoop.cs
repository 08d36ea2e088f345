using Quill.Core.Health;
using Quill.Net.Engine;

namespace Quill.Net.Health;

/// <summary>
/// Where the active health checks run: the scheduler (<see cref="HealthMonitor"/>) looks over the servers every
/// <see cref="HealthMonitor.Tick"/> on the probe's own loop (<see cref="LoopHealthProbe"/>), so a look, the checks it
/// starts and their results share one thread. When nothing is checked the loop sleeps, looking again when a health
/// setting changes and once a second (a server may have become checkable).
/// </summary>
public sealed class HealthCheckLoop : IEventTarget, IDisposable
{
    private static readonly TimeSpan IdleLook = TimeSpan.FromSeconds(1);

    private readonly LoopHealthProbe _probe;
    private readonly HealthMonitor _monitor;
    private readonly ITimer _idleLook;
    private bool _looking;

    /// <param name="monitor">Makes the scheduler, given the probe that runs its checks.</param>
    /// <param name="onError">An exception that escaped a check or a look; the loop goes on.</param>
    public HealthCheckLoop(Func<IHealthProbe, HealthMonitor> monitor, Action<Exception> onError, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(time);
        _probe = new LoopHealthProbe(onError, time);
        _monitor = monitor(_probe);
        _idleLook = time.CreateTimer(_ => LookSoon(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Start()
    {
        _monitor.SettingsChanged += LookSoon;
        _probe.Start();
        _idleLook.Change(IdleLook, IdleLook);
        LookSoon();
    }

    void IEventTarget.OnEvents(uint events, int tag)
    {
    }

    void IEventTarget.OnTurn() => Look();

    private void LookSoon() => _probe.Post(Look);

    /// <summary>One look; the loop keeps looking every tick while a server is checked, and sleeps otherwise.</summary>
    private void Look()
    {
        var any = _monitor.LookOnce();
        if (any == _looking) return;
        _looking = any;
        if (any) _probe.Loop.StartTiming(this);
        else _probe.Loop.StopTiming(this);
    }

    public void Dispose()
    {
        _monitor.SettingsChanged -= LookSoon;
        _idleLook.Dispose();
        _probe.Dispose();
    }
}
