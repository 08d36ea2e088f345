namespace Quill.Net.Engine;

/// <summary>A loop's relays that something looks at every so often (idle timeouts, the kernel's byte counters).</summary>
internal abstract class RelaySweep(EventLoop loop, TimeSpan interval) : IEventTarget
{
    private long _nextSweep;

    protected HashSet<Relay> Watched { get; } = [];

    protected EventLoop Loop => loop;

    public void Watch(Relay relay)
    {
        if (Watched.Count == 0) loop.StartTiming(this);
        Watched.Add(relay);
    }

    public void Forget(Relay relay)
    {
        if (Watched.Remove(relay) && Watched.Count == 0) loop.StopTiming(this);
    }

    public void OnEvents(uint events, int tag)
    {
    }

    public void OnTurn()
    {
        var now = loop.Now;
        if (now < _nextSweep) return;
        _nextSweep = now + loop.Ticks(interval);
        Sweep(now);
    }

    protected abstract void Sweep(long now);
}
