using Quill.Net.Connections;

namespace Quill.Net.Engine;

/// <summary>
/// The live counters of connections the kernel relays: no read or send counts their bytes, so once a second each
/// reads its sockets' TCP_INFO and counts what moved, in step with the <see cref="TrafficSweep"/> that reports them.
/// </summary>
internal sealed class KernelCountSweep(EventLoop loop) : IEventTarget
{
    private readonly HashSet<Relay> _watched = [];
    private long _nextSweep;

    public void Watch(Relay relay)
    {
        if (_watched.Count == 0)
        {
            loop.StartTiming(this);
            _nextSweep = loop.Now + loop.Ticks(TrafficSweep.Interval);
        }
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
        _nextSweep = now + loop.Ticks(TrafficSweep.Interval);
        foreach (var relay in _watched) relay.Recount();
    }
}
