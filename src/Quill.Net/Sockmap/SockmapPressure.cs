namespace Quill.Net.Sockmap;

/// <summary>
/// Backpressure for one kernel-relayed direction. The kernel takes every byte that reaches the source (the verdict
/// program consumes it from the receive queue, so the source's window stays open) and queues it for the destination
/// however slowly that one's peer reads. So quill bounds what it holds, the bytes taken from the source that have not
/// reached the destination's send queue, by <see cref="Limit"/>, as the event loop bounds its own buffer:
/// <list type="number">
/// <item>The program spends a per-source budget and, when it runs out, writes the source's cookie into a ring buffer
/// whose descriptor wakes the loop (<see cref="SockmapProgram"/>): nothing per byte or per message happens in quill.</item>
/// <item>The loop looks (<see cref="Spent"/>): with less than a quarter of the limit held, it refills the budget so
/// that it runs out when half the limit could be held; else it pauses the source (out of the verdicts map: bytes wait
/// in its receive queue, its window closes, its peer stops). The other half is for the bytes that arrive while the
/// loop wakes.</item>
/// <item>While paused, the loop looks again (<see cref="Look"/>) each time the destination's send queue frees room
/// (EPOLLOUT), or soon while the kernel's work queue is still feeding it; once the destination has every byte the
/// kernel took, the event loop relays the rest of that direction from the source's receive queue, in order, with its
/// own backpressure. The source does not rejoin the kernel: taking a socket out of the verdicts map and putting it
/// back again and again while bytes flow lost bytes on a 6.18 kernel (two 1 GiB streams in three came out 69 KB and
/// 1.5 MB short), and a direction that filled its destination once is a bulk one, which the loop relays faster.</item>
/// <item>The once-a-second count (<see cref="Overdue"/>) looks too when the kernel took a whole limit since the last
/// look, in case a ring record came late.</item>
/// </list>
/// </summary>
internal sealed class SockmapPressure(SockmapRelay sockmap, SockmapLeg leg, ulong sourceCookie)
{
    /// <summary>The most the kernel holds for one direction before its source is paused (the event loop holds a pipe of 1 MiB).</summary>
    public const int Limit = 4 * 1024 * 1024;

    /// <summary>A budget runs out when this much could be held; see <see cref="Limit"/> for the other half.</summary>
    public const int Budget = Limit / 2;

    /// <summary>Held bytes below which a look refills the budget rather than pausing the source.</summary>
    private const int Resume = Limit / 4;

    /// <summary>The budget after a look that could not decide: the next look comes this much later.</summary>
    private const int Retry = 256 * 1024;

    /// <summary>The bytes taken from the source when the loop last refilled its budget.</summary>
    private long _lookedAt;

    /// <summary>The source is out of the verdicts map: bytes wait in its receive queue.</summary>
    public bool Paused => PausedTaken >= 0;

    /// <summary>While paused: the bytes the kernel took from the source, exactly; else -1.</summary>
    public long PausedTaken { get; private set; } = -1;

    /// <summary>The program said the source's budget is spent: refills it or pauses the source.</summary>
    public void Spent(int sourceFd, int destinationFd)
    {
        if (Paused) return;
        var taken = SockmapLeg.Taken(sourceFd);
        var held = taken < 0 ? -1 : taken - leg.DeliveredSoFar(destinationFd);
        if (held is >= 0 and < Resume) Refill(taken, held);
        // Unknown, or a pause that never read clean (segments kept coming between the readings): soon again.
        else if (held < 0 || !Pause(sourceFd)) sockmap.Refill(sourceCookie, Retry);
    }

    /// <summary>Pauses the source, knowing exactly what the kernel took from it (see <see cref="SockmapRelay.PauseCounted"/>).</summary>
    public bool Pause(int sourceFd)
    {
        if (Paused) return true;
        PausedTaken = sockmap.PauseCounted(sourceFd);
        return Paused;
    }

    /// <summary>Paused: looks whether the destination has taken every byte the kernel took from the source.</summary>
    public PressureLook Look(int destinationFd)
    {
        if (!Paused) return PressureLook.Flowing;
        var held = PausedTaken - leg.DeliveredSoFar(destinationFd);
        return held > 0 ? Waiting(destinationFd) : PressureLook.Drained;
    }

    /// <summary>
    /// Still paused. A destination with room in its send queue is being fed by the kernel's work queue, which no event
    /// announces: look again soon. A full one wakes the loop with EPOLLOUT once its peer reads (asking marks it so).
    /// </summary>
    private static PressureLook Waiting(int destinationFd) =>
        Interop.Libc.Writable(destinationFd) ? PressureLook.Moving : PressureLook.Stalled;

    /// <summary>Not paused, and the kernel took a whole <see cref="Limit"/> since the last refill: look now.</summary>
    public bool Overdue(long taken) => !Paused && taken - _lookedAt >= Limit;

    private void Refill(long taken, long held)
    {
        _lookedAt = taken;
        sockmap.Refill(sourceCookie, Budget - held);
    }
}

/// <summary>What a look at a paused direction found.</summary>
internal enum PressureLook
{
    /// <summary>Not paused: the kernel relays.</summary>
    Flowing,

    /// <summary>Still paused; the destination has room, so the kernel is sending to it: look again soon.</summary>
    Moving,

    /// <summary>Still paused; the destination's send queue is full: wait for its EPOLLOUT.</summary>
    Stalled,

    /// <summary>The destination has everything the kernel took: the loop relays the rest from the source's receive queue.</summary>
    Drained,
}
