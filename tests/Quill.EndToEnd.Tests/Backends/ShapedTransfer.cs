using System.Buffers;
using System.Security.Cryptography;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// One direction of a stress exchange over any stream (a socket, or TLS over one): pseudo-random bytes sent in the
/// shape's write sizes and pauses then half-closed, or read in the shape's read sizes until the end; each side hashes
/// exactly the bytes that passed, so the two digests of a direction can be compared.
/// </summary>
internal static class ShapedTransfer
{
    /// <param name="halfClose">Ends this direction only (shutdown of the write side), after the last byte.</param>
    public static async Task<TransferDigest> SendAsync(
        Stream stream, long length, int seed, TransferShape shape, Func<ValueTask> halfClose, CancellationToken cancellation)
    {
        var data = new Random(seed);
        var buffer = ArrayPool<byte>.Shared.Rent(TransferShape.MaxChunk);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            for (long sent = 0; sent < length;)
            {
                var chunk = buffer.AsMemory(0, (int)Math.Min(shape.NextSize(), length - sent));
                data.NextBytes(chunk.Span);
                hash.AppendData(chunk.Span);
                await stream.WriteAsync(chunk, cancellation).ConfigureAwait(false);
                sent += chunk.Length;
                await shape.PauseAsync(cancellation).ConfigureAwait(false);
            }
            await halfClose().ConfigureAwait(false);
            return new TransferDigest(length, hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes given bytes in the shape's sizes and pauses, unhashed (a header).</summary>
    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> bytes, TransferShape shape, CancellationToken cancellation)
    {
        while (!bytes.IsEmpty)
        {
            var size = Math.Min(shape.NextSize(), bytes.Length);
            await stream.WriteAsync(bytes[..size], cancellation).ConfigureAwait(false);
            bytes = bytes[size..];
            await shape.PauseAsync(cancellation).ConfigureAwait(false);
        }
    }

    public static async Task<TransferDigest> ReceiveAsync(Stream stream, TransferShape shape, CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(TransferShape.MaxChunk);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            long length = 0;
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, shape.NextSize()), cancellation).ConfigureAwait(false);
                if (read == 0)
                    return new TransferDigest(length, hash.GetHashAndReset());
                hash.AppendData(buffer, 0, read);
                length += read;
                await shape.PauseAsync(cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
