using Quill.Net.Interop;

namespace Quill.Net.Engine;

/// <summary>
/// One socket of a relayed connection and what epoll last said about it. Registered edge-triggered, so the flags
/// stay set until a call returns EAGAIN: that is what lets a turn skip the syscall that would only say "nothing".
/// </summary>
internal sealed class RelayEnd(int fd)
{
    public int Fd { get; set; } = fd;

    /// <summary>The loop slot of the registration; -1 while not registered.</summary>
    public int Slot { get; set; } = -1;

    public bool Readable { get; set; }

    /// <summary>
    /// The peer has sent its FIN (EPOLLRDHUP). TCP delivers in order, so everything before the FIN is already queued:
    /// a read that comes back short has taken the last byte, and the EOF needs no read of its own.
    /// </summary>
    public bool PeerClosed { get; set; }

    public bool Writable { get; set; } = true;

    /// <summary>The socket hung up or failed: a short read must not end reading, as no further edge will come.</summary>
    public bool Ending { get; set; }

    /// <summary>Takes in what one epoll entry said.</summary>
    public void Observe(uint events)
    {
        if ((events & (Libc.EpollIn | Libc.EpollRdHup | Libc.EpollHup | Libc.EpollErr)) != 0) Readable = true;
        if ((events & (Libc.EpollOut | Libc.EpollHup | Libc.EpollErr)) != 0) Writable = true;
        if ((events & (Libc.EpollRdHup | Libc.EpollHup | Libc.EpollErr)) == 0) return;
        // No edge follows a hang-up or a reset: read on until EOF, EAGAIN or the error itself.
        Ending = true;
        if ((events & Libc.EpollErr) == 0) PeerClosed = true;
    }
}
