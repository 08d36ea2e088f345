using Quill.Net.Connections;
using System.Buffers;
using System.Net.Sockets;

namespace Quill.Net.Forwarding;

/// <summary>
/// Copies one direction of a connection: waits for data without holding a buffer, then moves one chunk at a time,
/// receiving the next only after the previous one is fully sent (backpressure, one buffer per direction at most).
/// </summary>
internal static class DirectionPump
{
    /// <summary>pen's copy buffer size.</summary>
    internal const int ChunkSize = 32 * 1024;

    /// <summary>Runs until the source sends EOF (forwarded as a half-close) or either socket fails.</summary>
    /// <param name="onFailure">Called once when this direction fails, so the other direction stops too.</param>
    /// <param name="filter">Rewrites each chunk before it is sent (client-to-server only); null forwards bytes as they are.</param>
    /// <param name="idle">Told of every chunk and of the EOF (idle_timeout); null when there is no idle timeout.</param>
    /// <param name="closeOnEof">tcp_fastclose: the source's EOF closes the whole connection instead of half-closing.</param>
    public static async ValueTask<PumpResult> RunAsync(
        Socket source, Socket destination, ArrayPool<byte> pool, Action onFailure, IClientStreamFilter? filter = null,
        IdleWatch? idle = null, bool closeOnEof = false)
    {
        long moved = 0;
        var filtered = filter is null ? null : new PooledBufferWriter(pool, ChunkSize);
        var sendShut = false;
        try
        {
            while (true)
            {
                // Zero-byte receive: completes when data or EOF is readable, so an idle connection holds no buffer.
                await source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);

                var buffer = pool.Rent(ChunkSize);
                try
                {
                    var received = await source.ReceiveAsync(buffer.AsMemory(0, ChunkSize), SocketFlags.None).ConfigureAwait(false);
                    if (received == 0)
                    {
                        idle?.HalfClosed();
                        if (closeOnEof)
                        {
                            // FIN both ways first, so the data already sent is not cut off by a reset.
                            destination.Shutdown(SocketShutdown.Send);
                            source.Shutdown(SocketShutdown.Send);
                            onFailure();
                            return new PumpResult(moved, Clean: true);
                        }

                        // Half-close: the other direction keeps flowing until its own EOF.
                        if (!sendShut) destination.Shutdown(SocketShutdown.Send);
                        return new PumpResult(moved, Clean: true);
                    }

                    idle?.Active();
                    ReadOnlyMemory<byte> outgoing = buffer.AsMemory(0, received);
                    if (filter is not null && filtered is not null)
                    {
                        filter.OnClientData(outgoing.Span, filtered);
                        outgoing = filtered.WrittenMemory;
                    }
                    // Inline rather than in a helper: a nested async method would allocate whenever it waits.
                    for (var sent = 0; sent < outgoing.Length;)
                        sent += await destination.SendAsync(outgoing[sent..], SocketFlags.None).ConfigureAwait(false);
                    moved += outgoing.Length;
                    if (!sendShut && filter is { ClientStreamEnded: true })
                    {
                        destination.Shutdown(SocketShutdown.Send);
                        sendShut = true;
                    }
                }
                finally
                {
                    pool.Return(buffer);
                    filtered?.Clear();
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Reset, broken pipe, or the socket closed by the other direction or by cancellation.
            onFailure();
            return new PumpResult(moved, Clean: false);
        }
    }
}

/// <summary>Bytes one direction delivered, and whether it ended with an EOF rather than an error.</summary>
internal readonly record struct PumpResult(long Bytes, bool Clean);
