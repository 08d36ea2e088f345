using System.Buffers;
using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Forwarding;

/// <summary>
/// Copies one direction of a connection with splice(2): socket → pipe → socket, the bytes never entering user space.
/// Waits for data with the socket's own zero-byte receive, so an idle connection holds no pipe; behaves like
/// <see cref="DirectionPump"/> on EOF (half-close forwarded) and on errors.
/// </summary>
internal static class SplicePump
{
    /// <summary>How much of a stuck pipe goes through an ordinary send, which is what waits for the destination to drain.</summary>
    private const int WakeSize = 4 * 1024;

    /// <summary>
    /// After this many bytes in a row a busy direction lets other connections run: continuations run on the epoll
    /// thread, and a source that never runs dry would hold it. Rarely, because each yield wakes a pool thread.
    /// </summary>
    private const long BytesBeforeYield = 8 * 1024 * 1024;

    /// <summary>Runs until the source sends EOF (forwarded as a half-close) or either socket fails.</summary>
    /// <param name="onFailure">Called once when this direction fails, so the other direction stops too.</param>
    /// <param name="adaptive">
    /// Copies small messages through a pooled buffer and splices only once a read fills the whole buffer: for a
    /// request or a reply of a few KiB, recv and send cost less than filling and draining a pipe.
    /// </param>
    public static async ValueTask<PumpResult> RunAsync(
        Socket source, Socket destination, PipePool pipes, ArrayPool<byte> pool, Action onFailure, bool adaptive = false)
    {
        long moved = 0;
        var nextYield = BytesBeforeYield;
        var bulk = !adaptive;
        var spliced = false;
        try
        {
            // splice(2) must see EAGAIN rather than block a pool thread; both directions set both, whichever runs first.
            source.Blocking = false;
            destination.Blocking = false;
            while (true)
            {
                // Zero-byte receive: completes when data or EOF is readable; only then is a buffer or a pipe taken.
                await source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);

                if (!bulk)
                {
                    var buffer = pool.Rent(DirectionPump.ChunkSize);
                    try
                    {
                        var received = await source.ReceiveAsync(buffer.AsMemory(0, DirectionPump.ChunkSize), SocketFlags.None).ConfigureAwait(false);
                        if (received == 0)
                        {
                            destination.Shutdown(SocketShutdown.Send);
                            return new PumpResult(moved, Clean: true);
                        }
                        for (var sent = 0; sent < received;)
                            sent += await destination.SendAsync(buffer.AsMemory(sent, received - sent), SocketFlags.None).ConfigureAwait(false);
                        moved += received;
                        // A full buffer means more was waiting: a bulk transfer, cheaper by splice from here on.
                        bulk = received == DirectionPump.ChunkSize;
                    }
                    finally
                    {
                        pool.Return(buffer);
                    }
                    continue;
                }

                if (pipes.Rent() is not { } pipe)
                    return await FallBackAsync(source, destination, pool, onFailure, moved).ConfigureAwait(false);
                var drained = true;
                try
                {
                    while (true)
                    {
                        var filled = SpliceFromSocket(source, pipe);
                        if (filled == -Libc.EAGAIN) break;
                        if (filled == 0)
                        {
                            // Half-close: the other direction keeps flowing until its own EOF.
                            destination.Shutdown(SocketShutdown.Send);
                            return new PumpResult(moved, Clean: true);
                        }
                        if (filled < 0)
                        {
                            if (!spliced && filled is -Libc.EINVAL or -Libc.ENOSYS)
                                return await FallBackAsync(source, destination, pool, onFailure, moved).ConfigureAwait(false);
                            return Fail(onFailure, moved);
                        }

                        // Inline rather than in a helper: a nested async method would allocate whenever it waits.
                        spliced = true;
                        drained = false;
                        for (var pending = (int)filled; pending > 0;)
                        {
                            var sent = SpliceToSocket(pipe, destination, pending);
                            if (sent > 0)
                            {
                                pending -= (int)sent;
                                moved += sent;
                                continue;
                            }
                            if (sent != -Libc.EAGAIN) return Fail(onFailure, moved);

                            // The destination is full: a few bytes go through an ordinary async send, which completes
                            // once the socket is writable again; the rest of the pipe follows by splice.
                            var buffer = pool.Rent(WakeSize);
                            try
                            {
                                var taken = (int)Libc.Read(pipe.ReadEnd, buffer.AsSpan(0, Math.Min(pending, WakeSize)));
                                if (taken <= 0) return Fail(onFailure, moved);
                                for (var offset = 0; offset < taken;)
                                    offset += await destination.SendAsync(buffer.AsMemory(offset, taken - offset), SocketFlags.None).ConfigureAwait(false);
                                pending -= taken;
                                moved += taken;
                            }
                            finally
                            {
                                pool.Return(buffer);
                            }
                        }
                        drained = true;

                        // A short chunk emptied the socket: wait for more without holding the pipe, at no extra syscall.
                        if (filled < pipe.Capacity)
                        {
                            bulk = !adaptive || filled >= DirectionPump.ChunkSize;
                            break;
                        }
                        if (moved >= nextYield)
                        {
                            nextYield = moved + BytesBeforeYield;
                            await Task.Yield();
                        }
                    }
                }
                finally
                {
                    if (drained) pipes.Return(pipe);
                    else pipes.Discard(pipe);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Reset, broken pipe, or the socket closed by the other direction or by cancellation.
            return Fail(onFailure, moved);
        }
    }

    /// <summary>The rest of this direction on the buffered path (no pipe could be opened, or this socket type cannot splice).</summary>
    private static async ValueTask<PumpResult> FallBackAsync(
        Socket source, Socket destination, ArrayPool<byte> pool, Action onFailure, long movedSoFar)
    {
        var rest = await DirectionPump.RunAsync(source, destination, pool, onFailure).ConfigureAwait(false);
        return rest with { Bytes = movedSoFar + rest.Bytes };
    }

    private static PumpResult Fail(Action onFailure, long moved)
    {
        onFailure();
        return new PumpResult(moved, Clean: false);
    }

    private static long SpliceFromSocket(Socket source, PipePair pipe)
    {
        var handle = source.SafeHandle;
        var added = false;
        try
        {
            // Held across the call so a close from the other direction cannot recycle the descriptor under us.
            handle.DangerousAddRef(ref added);
            return Libc.Splice((int)handle.DangerousGetHandle(), pipe.WriteEnd, pipe.Capacity);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static long SpliceToSocket(PipePair pipe, Socket destination, int length)
    {
        var handle = destination.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Libc.Splice(pipe.ReadEnd, (int)handle.DangerousGetHandle(), length);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}
