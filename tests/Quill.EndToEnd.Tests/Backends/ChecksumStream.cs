using System.Net.Sockets;
using System.Security.Cryptography;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>A reproducible stream of pseudo-random bytes and its SHA-256, for byte-exact transfer checks.</summary>
internal sealed class ChecksumStream
{
    private const int ChunkSize = 64 * 1024;

    public ChecksumStream(int seed, int length)
    {
        Seed = seed;
        Length = length;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var chunk in Chunks())
            hash.AppendData(chunk.Span);
        Sha256 = hash.GetHashAndReset();
    }

    public int Seed { get; }

    public int Length { get; }

    public byte[] Sha256 { get; }

    /// <summary>The chunks of the stream in order; the last one may be shorter.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Chunks()
    {
        var random = new Random(Seed);
        for (var offset = 0; offset < Length; offset += ChunkSize)
        {
            var chunk = new byte[Math.Min(ChunkSize, Length - offset)];
            random.NextBytes(chunk);
            yield return chunk;
        }
    }

    /// <summary>Sends the whole stream, then half-closes the socket so the peer sees the end.</summary>
    public async Task SendAsync(Socket socket, CancellationToken cancellation)
    {
        foreach (var chunk in Chunks())
            await socket.SendAsync(chunk, SocketFlags.None, cancellation).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Reads until the peer's end and returns the SHA-256 and length of everything read.</summary>
    public static async Task<(byte[] Sha256, long Length)> ReceiveAsync(Socket socket, CancellationToken cancellation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        long length = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation).ConfigureAwait(false);
            if (read == 0)
                return (hash.GetHashAndReset(), length);
            hash.AppendData(buffer, 0, read);
            length += read;
        }
    }
}
