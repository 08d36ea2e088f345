namespace Quill.Net.Engine;

/// <summary>
/// idle_timeout on the event loop: relays with a timeout are looked at a few times a second and closed when no byte
/// moved either way for that long. As in pen, a half-closed connection is never closed for being idle.
/// </summary>
internal sealed class IdleSweep(EventLoop loop) : RelaySweep(loop, TimeSpan.FromMilliseconds(250))
{
    private readonly List<Relay> _expired = [];

    protected override void Sweep(long now)
    {
        foreach (var relay in Watched)
        {
            if (relay.HalfClosed || now - relay.LastActive < Loop.Ticks(relay.IdleTimeout)) continue;
            // The kernel may have moved bytes the loop never saw: ask it before closing.
            relay.Recount();
            if (now - relay.LastActive >= Loop.Ticks(relay.IdleTimeout)) _expired.Add(relay);
        }
        foreach (var relay in _expired) relay.AbortNow();
        _expired.Clear();
    }
}
