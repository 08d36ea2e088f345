using Quill.Net.Interop;

namespace Quill.Net.Sockmap;

/// <summary>
/// One direction of a connection the kernel relays, as quill sees it: the bytes taken from the source socket (its
/// TCP_INFO bytes_received, less a FIN), and whether the destination socket has taken them all, which must be so
/// before the source's FIN is passed on: the kernel sends redirected bytes from a work queue, after the FIN that
/// followed them has already woken quill.
/// </summary>
internal sealed class SockmapLeg
{
    /// <summary>What the destination had taken when the leg began (an actively opened socket's SYN counts 1).</summary>
    private readonly ulong _destinationBase;

    private SockmapLeg(ulong destinationBase) => _destinationBase = destinationBase;

    /// <summary>Bytes taken from the source so far, as of the last <see cref="Received"/>.</summary>
    public long Counted { get; private set; }

    /// <summary>Milliseconds since data last arrived at the source, as of the last <see cref="Received"/>.</summary>
    public uint QuietMs { get; private set; }

    /// <summary>Begins before either socket has moved a byte of this connection; null if the destination is not TCP.</summary>
    public static SockmapLeg? Begin(int destinationFd) =>
        Libc.TcpCounts(destinationFd, out var counts) ? new(counts.BytesAcked + (ulong)Libc.UnackedBytes(destinationFd)) : null;

    /// <summary>Reads the source's counters; the bytes taken from it so far (what <see cref="Counted"/> then holds).</summary>
    /// <param name="finReceived">The source's peer has shut down (epoll said so): its FIN is in bytes_received.</param>
    public long Received(int sourceFd, bool finReceived)
    {
        if (Read(sourceFd, finReceived) is not var (data, quietMs)) return Counted;
        QuietMs = quietMs;
        return Counted = Math.Max(Counted, data);
    }

    /// <summary>Everything taken from the source (whose FIN has come) has reached the destination's send queue.</summary>
    /// <remarks>Compares with a fresh reading, not with <see cref="Counted"/>: a count is never taken back.</remarks>
    public bool Drained(int sourceFd, int destinationFd) =>
        Read(sourceFd, finReceived: true) is var (data, _) && Delivered(destinationFd, data);

    /// <summary>
    /// The data bytes taken from the source, less its FIN, whether or not epoll has said yet that it came: a count
    /// that took the FIN for a byte would wait for a byte that never comes. When neither epoll nor the state read with
    /// the counters shows a FIN, the socket is asked whether one has come (since those counters were read, perhaps);
    /// if so, a second reading certainly includes it.
    /// </summary>
    private static (long Data, uint QuietMs)? Read(int sourceFd, bool finReceived)
    {
        if (!Libc.TcpCounts(sourceFd, out var counts)) return null;
        var fin = finReceived || counts.FinReceived;
        if (!fin && Libc.FinArrived(sourceFd))
        {
            if (!Libc.TcpCounts(sourceFd, out counts)) return null;
            fin = true;
        }
        return ((long)counts.BytesReceived - (fin ? 1 : 0), counts.LastDataReceivedMs);
    }

    /// <summary>Bytes taken from the source so far (less its FIN, whether or not epoll has said so yet); -1 if unknown.</summary>
    public static long Taken(int sourceFd) => Read(sourceFd, finReceived: false) is var (data, _) ? data : -1;

    /// <summary>The destination's send queue has taken the first <paramref name="taken"/> bytes of the source.</summary>
    public bool Delivered(int destinationFd, long taken) => DeliveredSoFar(destinationFd) >= taken;

    /// <summary>The bytes of this direction the destination's send queue has taken.</summary>
    public long DeliveredSoFar(int destinationFd) => (long)(Delivered(destinationFd) - _destinationBase);

    /// <summary>Bytes written to the socket: acknowledged ones plus those still queued.</summary>
    private static ulong Delivered(int fd) =>
        Libc.TcpCounts(fd, out var counts) ? counts.BytesAcked + (ulong)Libc.UnackedBytes(fd) : 0;
}
