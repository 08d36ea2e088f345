using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Quill.Core.Peers;

/// <summary>
/// The sync link's wire format. The receiving side speaks first: <see cref="Magic"/> and a fresh random nonce. Then
/// the sending side sends frames: body length (uint16, big-endian), body, and HMAC-SHA256 under the shared key of
/// nonce, frame number (uint64, from 0) and body. The nonce and the number make a recorded frame useless on any
/// other connection or at any other place in this one.
/// </summary>
public static class PeerFraming
{
    public static ReadOnlySpan<byte> Magic => "QUILLPR1"u8;
    public const int NonceLength = 16;
    public const int HelloLength = 8 + NonceLength;
    public const int MacLength = 32;
    public const int MaxFrameLength = 2 + PeerFrameBody.MaxLength + MacLength;

    public static byte[] Hello(ReadOnlySpan<byte> nonce) => [.. Magic, .. nonce];

    /// <summary>The nonce from the receiving side's first bytes; false when they are not a peer's hello.</summary>
    public static bool TryReadHello(ReadOnlySpan<byte> hello, out byte[] nonce)
    {
        nonce = [];
        if (hello.Length != HelloLength || !hello[..8].SequenceEqual(Magic)) return false;
        nonce = hello[8..].ToArray();
        return true;
    }

    internal static void Mac(IncrementalHash hmac, ReadOnlySpan<byte> nonce, ulong number, ReadOnlySpan<byte> body, Span<byte> mac)
    {
        Span<byte> numberBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(numberBytes, number);
        hmac.AppendData(nonce);
        hmac.AppendData(numberBytes);
        hmac.AppendData(body);
        hmac.GetHashAndReset(mac);
    }
}
