using Quill.Net.Connections;

namespace Quill.Net.Engine;

/// <summary>
/// The live counters of connections the kernel relays: no read or send counts their bytes, so once a second each
/// reads its sockets' TCP_INFO and counts what moved, in step with the <see cref="TrafficSweep"/> that reports them.
/// </summary>
internal sealed class KernelCountSweep(EventLoop loop) : RelaySweep(loop, TrafficSweep.Interval)
{
    protected override void Sweep(long now)
    {
        foreach (var relay in Watched) relay.Recount();
    }
}
