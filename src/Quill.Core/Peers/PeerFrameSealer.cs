using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Quill.Core.Peers;

/// <summary>The sending side of one connection: frames bodies and signs them in order.</summary>
public sealed class PeerFrameSealer(byte[] key, byte[] nonce) : IDisposable
{
    private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
    private ulong _number;

    /// <summary>Writes the frame for <paramref name="body"/> to <paramref name="frame"/>; returns its length.</summary>
    public int Seal(ReadOnlySpan<byte> body, Span<byte> frame)
    {
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)body.Length);
        body.CopyTo(frame[2..]);
        PeerFraming.Mac(_hmac, nonce, _number++, body, frame.Slice(2 + body.Length, PeerFraming.MacLength));
        return 2 + body.Length + PeerFraming.MacLength;
    }

    public void Dispose() => _hmac.Dispose();
}
