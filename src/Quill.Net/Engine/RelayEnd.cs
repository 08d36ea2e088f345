using Quill.Net.Interop;
using Quill.Net.Tls;

namespace Quill.Net.Engine;

/// <summary>
/// One socket of a relayed connection and what epoll last said about it. Registered edge-triggered, so the flags
/// stay set until a call returns EAGAIN: that is what lets a turn skip the syscall that would only say "nothing".
/// A TLS client's end (<see cref="Tls"/>) reads and writes plaintext through its session; an SSL call can need the
/// other readiness than its own (a TLS 1.3 key update read may have to write), so the end remembers which one each
/// side waits for, and an edge of that readiness, or progress on the other side, lets it try again.
/// </summary>
internal sealed unsafe class RelayEnd(int fd)
{
    private bool _readWantsWrite;
    private bool _writeWantsRead;
    private bool _closeNotified;

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

    /// <summary>The client's TLS session once its handshake is done; null: plain bytes.</summary>
    public TlsSession? Tls { get; set; }

    /// <summary>Takes in what one epoll entry said.</summary>
    public void Observe(uint events)
    {
        if ((events & (Libc.EpollIn | Libc.EpollRdHup | Libc.EpollHup | Libc.EpollErr)) != 0)
        {
            Readable = true;
            if (_writeWantsRead) Writable = true;
        }
        if ((events & (Libc.EpollOut | Libc.EpollHup | Libc.EpollErr)) != 0)
        {
            Writable = true;
            if (_readWantsWrite) Readable = true;
        }
        if ((events & (Libc.EpollRdHup | Libc.EpollHup | Libc.EpollErr)) == 0) return;
        // No edge follows a hang-up or a reset: read on until EOF, EAGAIN or the error itself.
        Ending = true;
        if ((events & Libc.EpollErr) == 0) PeerClosed = true;
    }

    /// <summary>Reads up to <paramref name="length"/> bytes: the count, 0 at EOF, or -errno. A TLS end reads whole
    /// records until the buffer is full or the socket is empty (then it is no longer <see cref="Readable"/>): with
    /// edge-triggered epoll, bytes OpenSSL took from the socket would otherwise wait for an edge that never comes.</summary>
    public long Receive(byte* buffer, int length)
    {
        if (Tls is not { } tls) return Libc.Read(Fd, buffer, length);
        long total = 0;
        while (total < length)
        {
            var read = tls.Read(buffer + total, length - (int)total, out var wantsWrite);
            if (read > 0)
            {
                total += read;
                continue;
            }
            if (read != -Libc.EAGAIN) return total > 0 ? total : read;
            (Readable, _readWantsWrite) = (false, wantsWrite);
            if (wantsWrite) Writable = false;
            break;
        }
        // What was read may be what a write waited for.
        if (total > 0 && _writeWantsRead) (Writable, _writeWantsRead) = (true, false);
        return total > 0 ? total : -Libc.EAGAIN;
    }

    /// <summary>Sends what it can of <paramref name="data"/>: the count taken, or -errno (-EAGAIN: nothing taken).
    /// A TLS end's refused rest must be offered again from its first byte.</summary>
    /// <param name="finFollows">See <see cref="Libc.Send"/>; a TLS end sends close_notify before its FIN.</param>
    public long Send(byte* data, int length, bool finFollows = false)
    {
        if (Tls is not { } tls) return Libc.Send(Fd, data, length, finFollows);
        long total = 0;
        while (total < length)
        {
            var sent = tls.Write(data + total, length - (int)total, out var wantsRead);
            if (sent > 0)
            {
                total += sent;
                continue;
            }
            if (sent != -Libc.EAGAIN) return total > 0 ? total : sent;
            (Writable, _writeWantsRead) = (false, wantsRead);
            break;
        }
        if (total > 0 && _readWantsWrite) (Readable, _readWantsWrite) = (true, false);
        return total > 0 ? total : -Libc.EAGAIN;
    }

    /// <summary>
    /// The EOF passed on to this end: a TLS end first sends close_notify (-EAGAIN until the socket takes it), then
    /// both shut the socket for writing, so the peer may still send until it closes its side.
    /// </summary>
    /// <param name="finNeeded">False for a plain end whose close follows at once and sends the FIN itself.</param>
    public long ShutWrite(bool finNeeded = true)
    {
        if (Tls is { } tls)
        {
            if (!_closeNotified && tls.CloseNotify() == -Libc.EAGAIN)
            {
                Writable = false;
                return -Libc.EAGAIN;
            }
            _closeNotified = true;
        }
        else if (!finNeeded) return 0;
        _ = Libc.Shutdown(Fd, Libc.ShutWrite);
        return 0;
    }
}
