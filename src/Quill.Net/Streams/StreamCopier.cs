using System.Buffers;
using Quill.Net.Connections;

namespace Quill.Net.Streams;

/// <summary>
/// Copies one direction of a connection between two streams (TLS on one side): waits for data without holding a
/// buffer, then moves one chunk at a time, reading the next only after the previous one is written (backpressure,
/// one buffer per direction at most). Reports a result instead of throwing.
/// </summary>
internal static class StreamCopier
{
    /// <summary>pen's copy buffer size.</summary>
    internal const int ChunkSize = 32 * 1024;

    /// <summary>Copies until the source's EOF (passed on by <paramref name="endDestination"/>) or a failure.</summary>
    /// <param name="endDestination">Passes the EOF on: a TCP half-close, or close_notify and then one.</param>
    /// <param name="filter">Rewrites each chunk before it is written (client to server only); null: bytes as they are.</param>
    /// <param name="observer">Sees each chunk, unchanged, before it is written (server to client only); null: nothing watches.</param>
    /// <param name="count">Told of the bytes each write delivered (the connection's traffic counter).</param>
    /// <param name="idle">Told of every chunk and of the EOF (idle_timeout); null when there is none.</param>
    /// <param name="close">Closes the whole connection: on a failure, and on EOF with <paramref name="closeOnEof"/>.</param>
    /// <param name="closeOnEof">tcp_fastclose for this direction: the EOF ends the whole connection.</param>
    /// <returns>True when the direction ended with an EOF rather than an error.</returns>
    public static async Task<bool> CopyAsync(
        Stream source, Stream destination, Func<ValueTask> endDestination, IClientStreamFilter? filter, IServerStreamObserver? observer,
        Action<long> count, IdleWatch? idle, Action close, bool closeOnEof)
    {
        var filtered = filter is null ? null : new PooledBufferWriter(ArrayPool<byte>.Shared, ChunkSize);
        var ended = false;
        try
        {
            while (true)
            {
                // Zero-byte read: completes when data or EOF is readable, so an idle connection holds no buffer.
                await source.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                try
                {
                    var read = await source.ReadAsync(buffer.AsMemory(0, ChunkSize)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        idle?.HalfClosed();
                        if (filtered is not null && !ended)
                        {
                            filter!.OnClientEnd(filtered);
                            if (filtered.WrittenMemory.Length > 0)
                            {
                                await destination.WriteAsync(filtered.WrittenMemory).ConfigureAwait(false);
                                count(filtered.WrittenMemory.Length);
                            }
                        }
                        // Half-close: the other direction keeps flowing until its own EOF.
                        if (!ended) await endDestination().ConfigureAwait(false);
                        if (closeOnEof) close();
                        return true;
                    }
                    idle?.Active();
                    ReadOnlyMemory<byte> outgoing = buffer.AsMemory(0, read);
                    if (filtered is not null)
                    {
                        filter!.OnClientData(outgoing.Span, filtered);
                        outgoing = filtered.WrittenMemory;
                    }
                    observer?.OnServerData(outgoing.Span);
                    if (!outgoing.IsEmpty)
                    {
                        await destination.WriteAsync(outgoing).ConfigureAwait(false);
                        count(outgoing.Length);
                    }
                    if (!ended && filter is { ClientStreamEnded: true })
                    {
                        // The filter refuses the rest: the server answers what it has; the client's further bytes are dropped.
                        await endDestination().ConfigureAwait(false);
                        ended = true;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    filtered?.Clear();
                }
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException
                                      or System.Security.Authentication.AuthenticationException)
        {
            // Reset, broken pipe, or closed by the other direction, close N or shutdown.
            close();
            return false;
        }
    }
}
