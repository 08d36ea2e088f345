using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Quill.Core.Peers;

/// <summary>
/// The receiving side of one connection: finds each frame in what has arrived and checks its length and signature.
/// A bad frame ends the connection: after one, nothing that follows can be trusted to be framed right.
/// </summary>
public sealed class PeerFrameOpener(byte[] key, byte[] nonce) : IDisposable
{
    private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    private ulong _number;

    public enum Outcome
    {
        /// <summary>More bytes are needed.</summary>
        Incomplete,
        /// <summary>A signed frame: its body is valid.</summary>
        Frame,
        /// <summary>Not a frame of ours: wrong length or signature.</summary>
        Bad,
    }

    /// <param name="received">The bytes not yet consumed.</param>
    /// <param name="body">On <see cref="Outcome.Frame"/>, the body within <paramref name="received"/>.</param>
    /// <param name="consumed">On <see cref="Outcome.Frame"/>, the frame's length.</param>
    /// <param name="error">On <see cref="Outcome.Bad"/>, why.</param>
    public Outcome TryOpen(ReadOnlySpan<byte> received, out Range body, out int consumed, out string error)
    {
        (body, consumed, error) = (default, 0, "");
        if (received.Length < 2) return Outcome.Incomplete;
        var length = BinaryPrimitives.ReadUInt16BigEndian(received);
        if (length is 0 or > PeerFrameBody.MaxLength)
        {
            error = $"frame length {length} out of range";
            return Outcome.Bad;
        }

        if (received.Length < 2 + length + PeerFraming.MacLength) return Outcome.Incomplete;
        Span<byte> expected = stackalloc byte[PeerFraming.MacLength];
        PeerFraming.Mac(_hmac, nonce, _number, received.Slice(2, length), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, received.Slice(2 + length, PeerFraming.MacLength)))
        {
            error = "bad signature (another key, or not a quill peer)";
            return Outcome.Bad;
        }

        _number++;
        body = new Range(2, 2 + length);
        consumed = 2 + length + PeerFraming.MacLength;
        return Outcome.Frame;
    }

    public void Dispose() => _hmac.Dispose();
}
