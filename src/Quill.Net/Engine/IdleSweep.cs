namespace Quill.Net.Engine;

/// <summary>
/// idle_timeout on the event loop: relays with a timeout are looked at a few times a second and closed when no byte
/// moved either way for that long. As in pen, a half-closed connection is never closed for being idle.
/// </summary>
internal sealed class IdleSweep(EventLoop loop) : IEventTarget
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly HashSet<Relay> _watched = [];
    private readonly List<Relay> _expired = [];
    private long _nextSweep;

    public void Watch(Relay relay)
    {
        if (_watched.Count == 0) loop.StartTiming(this);
        _watched.Add(relay);
    }

    public void Forget(Relay relay)
    {
        if (_watched.Remove(relay) && _watched.Count == 0) loop.StopTiming(this);
    }

    public void OnEvents(uint events, int tag)
    {
    }

    public void OnTurn()
    {
        var now = loop.Now;
        if (now < _nextSweep) return;
        _nextSweep = now + loop.Ticks(Interval);
        foreach (var relay in _watched)
        {
            if (relay.HalfClosed || now - relay.LastActive < loop.Ticks(relay.IdleTimeout)) continue;
            // The kernel may have moved bytes the loop never saw: ask it before closing.
            relay.Recount();
            if (now - relay.LastActive >= loop.Ticks(relay.IdleTimeout)) _expired.Add(relay);
        }
        foreach (var relay in _expired) relay.AbortNow();
        _expired.Clear();
    }
}
