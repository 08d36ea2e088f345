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
/// <item>While paused, each time the destination's send queue frees room (EPOLLOUT) the loop looks again
/// (<see cref="Look"/>) and, below a quarter of the limit, refills and unpauses: what waited goes on, in order.</item>
/// <item>The once-a-second count (<see cref="Overdue"/>) looks too when the kernel took a whole limit since the last
/// look, in case a ring record came late.</item>
/// </list>
/// A source whose FIN came while paused cannot rejoin (the kernel takes only established sockets): once the
/// destination has taken everything the kernel took, the loop relays the rest of that direction itself.
/// </summary>
internal sealed class SockmapPressure(SockmapRelay sockmap, SockmapLeg leg, ulong sourceCookie)
{
    /// <summary>The most the kernel holds for one direction before its source is paused (the event loop holds a pipe of 1 MiB).</summary>
    public const int Limit = 4 * 1024 * 1024;

    /// <summary>A budget runs out when this much could be held; see <see cref="Limit"/> for the other half.</summary>
    public const int Budget = Limit / 2;

    /// <summary>Held bytes below which the source goes on (refilled, or unpaused).</summary>
    private const int Resume = Limit / 4;

    /// <summary>The budget after a look that could not decide: the next look comes this much later.</summary>
    private const int Retry = 256 * 1024;

    /// <summary>The bytes taken from the source when the loop last refilled its budget.</summary>
    private long _lookedAt;

    /// <summary>The source's socket cookie: the name the program gives it in the ring.</summary>
    public ulong SourceCookie => sourceCookie;

    /// <summary>The source is out of the verdicts map: bytes wait in its receive queue.</summary>
    public bool Paused => PausedTaken >= 0;

    /// <summary>While paused: the bytes the kernel took from the source, exactly; else -1.</summary>
    public long PausedTaken { get; private set; } = -1;

    /// <summary>The program said the source's budget is spent: refills it or pauses the source.</summary>
    /// <returns>True when the source is paused now.</returns>
    public bool Spent(int sourceFd, int destinationFd)
    {
        if (Paused) return true;
        var taken = SockmapLeg.Taken(sourceFd);
        var held = taken < 0 ? -1 : taken - leg.DeliveredSoFar(destinationFd);
        if (held is >= 0 and < Resume)
        {
            Refill(taken, held);
            return false;
        }
        if (held >= 0 && Pause(sourceFd)) return true;
        // Unknown, or a pause that never read clean (segments kept coming between the readings): soon again.
        sockmap.Refill(sourceCookie, Retry);
        return false;
    }

    /// <summary>Pauses the source, knowing exactly what the kernel took from it (see <see cref="SockmapRelay.PauseCounted"/>).</summary>
    public bool Pause(int sourceFd)
    {
        if (Paused) return true;
        PausedTaken = sockmap.PauseCounted(sourceFd);
        return Paused;
    }

    /// <summary>Paused: looks whether the destination has taken enough to go on, and if so unpauses the source.</summary>
    public PressureLook Look(int sourceFd, int destinationFd)
    {
        if (!Paused) return PressureLook.Flowing;
        var held = PausedTaken - leg.DeliveredSoFar(destinationFd);
        if (held >= Resume) return Waiting(destinationFd);
        if (!Interop.Libc.FinArrived(sourceFd))
        {
            // Refilled first: the program must find a budget for what waited, which it takes at once.
            Refill(PausedTaken, held);
            if (sockmap.Unpause(sourceFd))
            {
                PausedTaken = -1;
                return PressureLook.Flowing;
            }
        }
        return held > 0 ? Waiting(destinationFd) : PressureLook.Stranded;
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
    /// <summary>Not paused (any more): the kernel relays.</summary>
    Flowing,

    /// <summary>Still paused; the destination has room, so the kernel is sending to it: look again soon.</summary>
    Moving,

    /// <summary>Still paused; the destination's send queue is full: wait for its EPOLLOUT.</summary>
    Stalled,

    /// <summary>Still paused, cannot rejoin (its FIN came), and the destination has everything the kernel took: the
    /// loop relays the rest from the source's receive queue.</summary>
    Stranded,
}
