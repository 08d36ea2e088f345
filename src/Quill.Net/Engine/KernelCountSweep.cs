using Quill.Net.Connections;

namespace Quill.Net.Engine;

/// <summary>
/// The live counters of connections the kernel relays: no read or send counts their bytes, so once a second each
/// reads its sockets' TCP_INFO and counts what moved, in step with the <see cref="TrafficSweep"/> that reports them;
/// a direction whose source gave the kernel a whole backpressure limit since its last look is looked at then too
/// (<see cref="Sockmap.SockmapPressure.Overdue"/>).
/// </summary>
internal sealed class KernelCountSweep(EventLoop loop) : RelaySweep(loop, TrafficSweep.Interval)
{
    protected override void Sweep(long now)
    {
        foreach (var relay in Watched) relay.Recount();
    }
}
