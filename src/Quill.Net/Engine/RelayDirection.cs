using System.Buffers;
using Quill.Net.Connections;
using Quill.Net.Interop;
using Quill.Net.Sockmap;
using Quill.Net.Takeover;

namespace Quill.Net.Engine;

/// <summary>
/// One direction of a relayed connection. Small messages go read → send through the loop's scratch memory, so an
/// idle direction holds nothing; a read that fills the scratch means a bulk transfer, which then goes by splice(2)
/// through a pooled pipe until a short read. Only what the destination refused stays behind (a rented buffer or
/// the pipe), and nothing more is read until it has gone: backpressure. A direction with a filter (-H, the access log,
/// -d 3 dumps) never splices: each read goes through the filter, whose output is sent instead; nor does one with an
/// observer (the HTTP status for the JSON access log), which sees each read before it is sent. A direction handed to
/// the kernel (<see cref="HandToKernel"/>) moves nothing itself: it waits for the source's FIN, then for the kernel to
/// have passed on every byte before it, and passes the FIN on as any other direction does. Its backpressure pauses
/// the source until the destination has what the kernel took, then the loop relays the rest
/// (<see cref="SockmapPressure"/>). A TLS client's end (-E) reads and writes plaintext through its session
/// (<see cref="RelayEnd.Tls"/>), never by splice.
/// </summary>
/// <param name="filter">Sees and may rewrite what passes (the client's direction only); null: bytes pass untouched.</param>
/// <param name="observer">Sees what passes, unchanged (the server's direction only); null: nothing watches.</param>
/// <param name="traffic">Counts what the destination took.</param>
/// <param name="toServer">Which way <paramref name="traffic"/> counts this direction.</param>
internal sealed unsafe class RelayDirection(
    RelayEnd source, RelayEnd destination, bool closeOnEof, IClientStreamFilter? filter, IServerStreamObserver? observer,
    TrafficCounter traffic, bool toServer)
{
    /// <summary>Bytes one turn moves before other connections get theirs.</summary>
    private const long TurnBudget = 1024 * 1024;

    /// <summary>
    /// In bulk, the most unsent data the destination socket may queue (TCP_NOTSENT_LOWAT); the rest waits in the pipe.
    /// A socket with a full send queue transmits whenever the receiver's ACKs open its window, which runs on the
    /// receiver's core; with little queued, our own splice calls do the transmitting. On the 2-core bench machine that
    /// moved one bulk stream from 22 to 30 Gbit/s (the receiver's core was the bottleneck) at the same CPU per GiB;
    /// 8-32 KiB measured alike.
    /// </summary>
    internal const int BulkUnsentLimit = 16 * 1024;

    private byte[]? _held;
    private int _heldOffset;
    private int _heldCount;
    private PipePair? _pipe;
    private int _pipeBytes;
    private bool _bulk;
    private bool _unsentLimited;
    private bool _spliceFailed;
    private bool _eofSeen;
    private bool _destinationShut;
    private bool _filterEnded;
    private SockmapLeg? _kernel;
    private SockmapPressure? _pressure;
    private long _kernelReported;
    private long _kernelTaken = -1;

    /// <summary>The source's EOF has been passed on (the destination shut for writing).</summary>
    public bool Finished { get; private set; }

    /// <summary>The other direction of the same connection.</summary>
    public RelayDirection? Opposite { get; set; }

    /// <summary>tcp_fastclose: this direction's EOF ends the whole connection.</summary>
    public bool CloseOnEof => closeOnEof;

    /// <summary>The kernel relays this direction (sockmap).</summary>
    public bool InKernel => _kernel is not null;

    /// <summary>The source's FIN has come but the kernel still holds bytes sent before it: look again soon.</summary>
    public bool Draining { get; private set; }

    /// <summary>Backpressure has paused the kernel-relayed source: the destination's EPOLLOUT says when to look again.</summary>
    public bool KernelPaused => _pressure is { Paused: true };

    /// <summary>Paused, and the destination has room: the kernel's work queue is sending to it, which no EPOLLOUT will
    /// announce, so look again soon.</summary>
    public bool KernelLookDue { get; private set; }

    /// <summary>Milliseconds since data last arrived at a kernel-relayed source, as of the last <see cref="Recount"/>.</summary>
    public uint KernelQuietMs => _kernel?.QuietMs ?? uint.MaxValue;

    /// <summary>
    /// What the destination has taken so far, read before the sockets join the sockhash: from then on the kernel may
    /// send at any moment, and this is the mark its bytes are counted from.
    /// </summary>
    /// <returns>Null when the destination is not a TCP socket (a unix one): the kernel relays TCP only.</returns>
    public SockmapLeg? PrepareForKernel() => SockmapLeg.Begin(destination.Fd);

    /// <summary>From now on the kernel moves this direction's bytes; before anything was read from the source.</summary>
    public void HandToKernel(SockmapLeg leg, SockmapPressure pressure) => (_kernel, _pressure) = (leg, pressure);

    /// <summary>
    /// The program has spent the source's budget: refill it, or pause the source. Not while a takeover holds it
    /// paused: that one looks when it lets go.
    /// </summary>
    public void KernelBudgetSpent()
    {
        if (_pressure is null || _kernelTaken >= 0 || _pressure.Paused) return;
        _pressure.Spent(source.Fd, destination.Fd);
    }

    /// <summary>A kernel-relayed direction counts what the kernel moved since it last looked.</summary>
    public void Recount()
    {
        if (_kernel is null || source.Fd < 0) return;
        var received = _kernel.Received(source.Fd, finReceived: _eofSeen || source.PeerClosed);
        // Paused, the source's counter goes on with what waits in its receive queue, not taken yet.
        if (_pressure is { Paused: true } paused) received = Math.Min(received, paused.PausedTaken);
        else if (_pressure?.Overdue(received) == true) KernelBudgetSpent();
        if (received <= _kernelReported) return;
        Delivered(received - _kernelReported);
        _kernelReported = received;
    }

    /// <summary>Moves what it can without blocking.</summary>
    public PumpOutcome Pump(EventLoop loop, PipePool pipes)
    {
        if (_kernel is not null && !_eofSeen && PumpInKernel() is { } outcome) return outcome;
        var budget = TurnBudget;
        var moved = false;
        while (true)
        {
            if (_heldCount > 0)
            {
                var sent = SendHeld();
                if (sent < 0) return PumpOutcome.Failed;
                if (_heldCount > 0) return moved ? PumpOutcome.Moved : PumpOutcome.Waiting;
                moved = true;
            }
            if (_pipeBytes > 0)
            {
                var sent = Libc.Splice(_pipe!.ReadEnd, destination.Fd, _pipeBytes);
                if (sent == -Libc.EAGAIN)
                {
                    destination.Writable = false;
                    return moved ? PumpOutcome.Moved : PumpOutcome.Waiting;
                }
                if (sent <= 0) return PumpOutcome.Failed;
                _pipeBytes -= (int)sent;
                Delivered(sent);
                moved = true;
                continue;
            }
            if (_pipe is not null)
            {
                pipes.Return(_pipe);
                _pipe = null;
            }
            if (Finished) return PumpOutcome.Done;
            if (_eofSeen)
            {
                if (filter is not null && !_filterEnded)
                {
                    _filterEnded = true;
                    var output = loop.FilterOutput;
                    output.ResetWrittenCount();
                    filter.OnClientEnd(output);
                    if (Send(output.WrittenSpan) < 0) return PumpOutcome.Failed;
                    continue;
                }
                // Half-close: the other direction keeps flowing until its own EOF. When that has come already, the
                // close that follows sends this FIN (a TLS destination gets its close_notify first all the same).
                if (!_destinationShut && destination.ShutWrite(finNeeded: Opposite is not { Finished: true }) == -Libc.EAGAIN)
                    return moved ? PumpOutcome.Moved : PumpOutcome.Waiting;
                Finished = true;
                if (!closeOnEof) return PumpOutcome.Done;
                // FIN both ways first, so the data already sent is not cut off by a reset.
                _ = Libc.Shutdown(source.Fd, Libc.ShutWrite);
                return PumpOutcome.Failed;
            }
            if (!source.Readable || !destination.Writable) return moved ? PumpOutcome.Moved : PumpOutcome.Waiting;
            if (budget <= 0) return PumpOutcome.Yield;

            var read = _bulk && !_spliceFailed ? SpliceIn(loop, pipes) : CopyThrough(loop);
            if (read == -Libc.EAGAIN)
            {
                source.Readable = false;
                continue;
            }
            if (read == 0)
            {
                _eofSeen = true;
                continue;
            }
            if (read < 0) return PumpOutcome.Failed;
            budget -= read;
            moved = true;
        }
    }

    /// <summary>
    /// The kernel moves the bytes, and epoll wakes quill only for the source's FIN or failure. Null once the FIN can be
    /// passed on (every byte before it has reached the destination): <see cref="Pump"/> then does so.
    /// </summary>
    private PumpOutcome? PumpInKernel()
    {
        // Paused by a takeover (its pass decides), or by backpressure and the destination has not taken enough yet.
        if (_kernelTaken >= 0 || _pressure is { Paused: true } && !Relieve())
            return source.Ending && !source.PeerClosed ? PumpOutcome.Failed : PumpOutcome.Waiting;
        // Drained after a pause: the loop relays the rest.
        if (_kernel is null) return null;
        if (!source.Ending) return PumpOutcome.Waiting;
        if (!source.PeerClosed) return PumpOutcome.Failed;
        Draining = !_kernel!.Drained(source.Fd, destination.Fd);
        if (Draining) return PumpOutcome.Waiting;
        Recount();
        _eofSeen = true;
        return null;
    }

    /// <summary>
    /// Backpressure: looks whether the destination has taken every byte the kernel took from the paused source (see
    /// <see cref="SockmapPressure.Look"/>); if so the direction is the loop's from now on: the rest waits, in order, in
    /// the source's receive queue.
    /// </summary>
    /// <returns>True when the source is no longer paused.</returns>
    private bool Relieve()
    {
        var look = _pressure!.Look(destination.Fd);
        KernelLookDue = look == PressureLook.Moving;
        if (look == PressureLook.Drained)
        {
            QuitKernel(_pressure.PausedTaken);
            (source.Readable, destination.Writable) = (true, true);
        }
        return look is PressureLook.Flowing or PressureLook.Drained;
    }

    /// <summary>
    /// Takeover: the kernel stops redirecting this direction's source, counting exactly what it took (see
    /// <see cref="SockmapRelay.PauseCounted"/>); one backpressure paused already stays so. False when it never read clean.
    /// </summary>
    public bool PauseKernel()
    {
        if (_kernel is null) return true;
        _kernelTaken = _pressure!.Pause(source.Fd) ? _pressure.PausedTaken : -1;
        return _kernelTaken >= 0;
    }

    /// <summary>
    /// Undoes <see cref="PauseKernel"/>: the relay stays in this process, and the source stays paused as backpressure
    /// pauses one; the loop relays the direction once the destination has what the kernel took.
    /// </summary>
    public void UnpauseKernel()
    {
        if (_kernelTaken < 0) return;
        _kernelTaken = -1;
        Relieve();
    }

    /// <summary>Paused, and every byte the kernel took from the source has reached the destination's send queue.</summary>
    public bool KernelDrained => _kernelTaken < 0 || _kernel!.Delivered(destination.Fd, _kernelTaken);

    /// <summary>
    /// Takeover, once drained: the direction is the event loop's again, counted up to what the kernel moved; what
    /// came after the pause waits unread in the source's receive queue, for the next process to read.
    /// </summary>
    public void LeaveKernel()
    {
        if (_kernelTaken >= 0) QuitKernel(_kernelTaken);
    }

    /// <summary>The direction is the event loop's from now on; the kernel took <paramref name="taken"/> bytes in all.</summary>
    private void QuitKernel(long taken)
    {
        if (taken > _kernelReported) Delivered(taken - _kernelReported);
        (_kernel, _pressure, _kernelTaken, Draining, KernelLookDue) = (null, null, -1, false, false);
    }

    /// <summary>
    /// Takeover: what this direction holds, for the next process; the pipe is read empty (a pipe is readable like a
    /// file), so no byte stays behind in this one. Then the direction gives everything back. What its filter or
    /// observer has seen moves with the connection's lifecycle, which made them.
    /// </summary>
    public MovedDirection HandOver(PipePool pipes)
    {
        var pending = new byte[_heldCount + _pipeBytes];
        if (_heldCount > 0) _held.AsSpan(_heldOffset, _heldCount).CopyTo(pending);
        var filled = _heldCount;
        while (filled < pending.Length)
        {
            var read = Libc.Read(_pipe!.ReadEnd, pending.AsSpan(filled));
            if (read <= 0) throw new IOException($"takeover: cannot empty a splice pipe: {(read == 0 ? "EOF" : ErrnoText.Describe((int)-read))}");
            filled += (int)read;
        }
        _pipeBytes = 0;
        Release(pipes);
        return new MovedDirection(pending, _eofSeen, Finished, _filterEnded);
    }

    /// <summary>Takeover: carries on where the previous process's direction stopped.</summary>
    public void Restore(MovedDirection moved)
    {
        if (moved.Pending.Length > 0)
        {
            // Rented, as the pool takes back only its own arrays.
            _held = ArrayPool<byte>.Shared.Rent(moved.Pending.Length);
            moved.Pending.CopyTo(_held, 0);
            (_heldOffset, _heldCount) = (0, moved.Pending.Length);
        }
        (_eofSeen, Finished, _filterEnded) = (moved.EofSeen, moved.Finished, moved.FilterEnded);
        // The filter, restored already, may have refused the rest of the stream: the destination was shut then.
        _destinationShut = filter is { ClientStreamEnded: true };
    }

    /// <summary>Sends <paramref name="preface"/> (the PROXY header) before anything read from the source; what the
    /// destination does not take now is held and goes first. 0, or -errno.</summary>
    public long Preface(ReadOnlySpan<byte> preface) => Send(preface);

    /// <summary>Gives back what the direction holds; a pipe with bytes in it cannot be reused.</summary>
    public void Release(PipePool pipes)
    {
        if (_held is not null) ArrayPool<byte>.Shared.Return(_held);
        _held = null;
        _heldCount = 0;
        if (_pipe is null) return;
        if (_pipeBytes == 0) pipes.Return(_pipe);
        else pipes.Discard(_pipe);
        _pipe = null;
    }

    /// <summary>Source → scratch (→ filter) → destination; what the destination does not take is kept. Returns bytes read or -errno.</summary>
    private long CopyThrough(EventLoop loop)
    {
        var scratch = loop.Scratch;
        var read = source.Receive(scratch, EventLoop.ScratchSize);
        if (read <= 0) return read;
        // A short read emptied the socket (the kernel copies all it has queued): the next edge says when there is more.
        // A TLS source knows that itself (RelayEnd.Receive), and TLS bytes never splice.
        if (source.Tls is null)
        {
            if (read == EventLoop.ScratchSize)
            {
                if (filter is null && observer is null && destination.Tls is null) StartBulk();
            }
            else if (source.PeerClosed) _eofSeen = true;
            else if (!source.Ending) source.Readable = false;
        }

        var data = new ReadOnlySpan<byte>(scratch, (int)read);
        if (filter is null)
        {
            observer?.OnServerData(data);
            // The last bytes before the source's EOF: the next pass of Pump passes the EOF on (shutdown, or the close
            // once the other direction is done too), which sends what the kernel held back.
            return Send(data, finFollows: _eofSeen && !_destinationShut) is var sent and < 0 ? sent : read;
        }
        var output = loop.FilterOutput;
        output.ResetWrittenCount();
        filter.OnClientData(data, output);
        var result = Send(output.WrittenSpan);
        if (result < 0) return result;
        if (filter.ClientStreamEnded && !_destinationShut)
        {
            // The filter refuses the rest: the server answers what it has; the client's further bytes are dropped.
            _destinationShut = true;
            _ = Libc.Shutdown(destination.Fd, Libc.ShutWrite);
        }
        return read;
    }

    /// <summary>Sends what was just read (or what the filter made of it); keeps what the destination refused. 0 or -errno.</summary>
    private long Send(ReadOnlySpan<byte> data, bool finFollows = false)
    {
        if (data.IsEmpty) return 0;
        long sent;
        fixed (byte* bytes = data) sent = destination.Send(bytes, data.Length, finFollows);
        if (sent == -Libc.EAGAIN) sent = 0;
        if (sent < 0) return sent;
        Delivered(sent);
        if (sent < data.Length)
        {
            var rest = data.Length - (int)sent;
            _held = ArrayPool<byte>.Shared.Rent(rest);
            data[(int)sent..].CopyTo(_held);
            (_heldOffset, _heldCount) = (0, rest);
            destination.Writable = false;
        }
        return 0;
    }

    /// <summary>Source → pipe; the pipe is drained by the next pass of <see cref="Pump"/>. Returns bytes or -errno.</summary>
    private long SpliceIn(EventLoop loop, PipePool pipes)
    {
        _pipe ??= pipes.Rent();
        if (_pipe is null)
        {
            // Out of descriptors for a pipe: copy instead.
            _bulk = false;
            return CopyThrough(loop);
        }
        var filled = Libc.Splice(source.Fd, _pipe.WriteEnd, _pipe.Capacity);
        if (filled is -Libc.EINVAL or -Libc.ENOSYS)
        {
            // This socket type cannot splice: stay on copies for the rest of the connection.
            _spliceFailed = true;
            return CopyThrough(loop);
        }
        if (filled <= 0) return filled;
        _pipeBytes = (int)filled;
        // Small messages are cheaper through the scratch memory. A short splice does not prove the socket empty (the
        // pipe may have run out of slots first), so readiness stays until a read says EAGAIN.
        if (filled < EventLoop.ScratchSize) _bulk = false;
        return filled;
    }

    private void StartBulk()
    {
        _bulk = true;
        if (_unsentLimited) return;
        _unsentLimited = true;
        // Fails harmlessly on a unix socket, which has no such limit.
        _ = Libc.SetOption(destination.Fd, Libc.IpProtoTcp, Libc.TcpNotSentLowAt, BulkUnsentLimit);
    }

    private void Delivered(long bytes)
    {
        if (toServer) traffic.ToServer(bytes);
        else traffic.ToClient(bytes);
    }

    private long SendHeld()
    {
        fixed (byte* held = _held)
        {
            var sent = destination.Send(held + _heldOffset, _heldCount);
            if (sent == -Libc.EAGAIN)
            {
                destination.Writable = false;
                return 0;
            }
            if (sent < 0) return sent;
            Delivered(sent);
            _heldOffset += (int)sent;
            _heldCount -= (int)sent;
            if (_heldCount == 0)
            {
                ArrayPool<byte>.Shared.Return(_held!);
                _held = null;
            }
            return sent;
        }
    }
}

/// <summary>What a <see cref="RelayDirection.Pump"/> ended with.</summary>
internal enum PumpOutcome
{
    /// <summary>Nothing could move: waiting for the source or the destination.</summary>
    Waiting,

    /// <summary>Bytes moved; now waiting.</summary>
    Moved,

    /// <summary>The turn's budget is spent and more is readable: continue after other connections.</summary>
    Yield,

    /// <summary>EOF passed on and nothing left to send.</summary>
    Done,

    /// <summary>A socket failed (reset, broken pipe), or a tcp_fastclose EOF: the connection ends.</summary>
    Failed,
}
