using System.Buffers.Binary;
using System.Numerics;
using System.Text.Unicode;

namespace Quill.Core.Proxy;

/// <summary>
/// The TLVs after a v2 header's addresses (haproxy's doc/proxy-protocol.txt, section 2.2.7 on), checked before the
/// header is believed: each type-length-value lies wholly inside the header, and those the spec gives a form have it.
/// A CRC32C must match the header (computed with its own 4 bytes zero); an AUTHORITY and an SSL common name are UTF-8;
/// the SSL version, cipher, signature and key algorithms and a NETNS name are US-ASCII; a UNIQUE_ID is at most 128
/// bytes; an SSL TLV holds its client byte, its verify word and sub-TLVs that fit it exactly. Other types (ALPN,
/// NOOP, the custom and experimental ranges, types defined later) are skipped, as the spec asks.
/// </summary>
public static class ProxyV2Tlvs
{
    private const int HeaderLength = 3;
    private const int MaxUniqueId = 128;
    private const int SslFixedLength = 5;

    /// <summary>Null when the TLVs of <paramref name="header"/> (a whole v2 header) from <paramref name="offset"/> on are
    /// well formed; otherwise a one-line reason.</summary>
    public static string? Check(ReadOnlySpan<byte> header, int offset)
    {
        var tlvs = header[offset..];
        while (!tlvs.IsEmpty)
        {
            if (Next(ref tlvs, out var type, out var value) is { } broken) return $"PROXY v2 TLV {Name(type)} {broken}";
            var problem = type switch
            {
                ProxyV2.TypeAuthority when !Utf8.IsValid(value) => "is not UTF-8",
                ProxyV2.TypeCrc32c when value.Length != 4 => "is not 4 bytes",
                ProxyV2.TypeCrc32c when !Matches(header, offset: header.Length - tlvs.Length - 4, value) => "does not match the header",
                ProxyV2.TypeUniqueId when value.Length > MaxUniqueId => $"is longer than {MaxUniqueId} bytes",
                ProxyV2.TypeSsl => Ssl(value),
                ProxyV2.TypeNetns when !IsAscii(value) => "is not US-ASCII",
                _ => null,
            };
            if (problem is not null) return $"PROXY v2 TLV {Name(type)} {problem}";
        }
        return null;
    }

    /// <summary>CRC-32C (Castagnoli, as iSCSI and SCTP use it) of <paramref name="header"/> with the checksum's 4 bytes at
    /// <paramref name="offset"/> taken as zero, against <paramref name="value"/> (network byte order).</summary>
    private static bool Matches(ReadOnlySpan<byte> header, int offset, ReadOnlySpan<byte> value)
    {
        var crc = Update(uint.MaxValue, header[..offset]);
        crc = Update(crc, [0, 0, 0, 0]);
        crc = Update(crc, header[(offset + 4)..]);
        return ~crc == BinaryPrimitives.ReadUInt32BigEndian(value);
    }

    /// <summary>The CRC-32C the spec puts in a PP2_TYPE_CRC32C TLV, over <paramref name="header"/> whose checksum bytes are zero.</summary>
    public static uint Crc32c(ReadOnlySpan<byte> header) => ~Update(uint.MaxValue, header);

    private static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    /// <summary>PP2_TYPE_SSL: a client byte, a 4-byte verify result, then sub-TLVs.</summary>
    private static string? Ssl(ReadOnlySpan<byte> value)
    {
        if (value.Length < SslFixedLength) return $"is shorter than its {SslFixedLength} fixed bytes";
        var subs = value[SslFixedLength..];
        while (!subs.IsEmpty)
        {
            if (Next(ref subs, out var type, out var sub) is { } broken) return $"sub-TLV {Name(type)} {broken}";
            var wellFormed = type switch
            {
                ProxyV2.TypeSslCn => Utf8.IsValid(sub),
                ProxyV2.TypeSslVersion or ProxyV2.TypeSslCipher or ProxyV2.TypeSslSigAlg or ProxyV2.TypeSslKeyAlg => IsAscii(sub),
                _ => true,
            };
            if (!wellFormed) return $"sub-TLV {Name(type)} is not {(type == ProxyV2.TypeSslCn ? "UTF-8" : "US-ASCII")}";
        }
        return null;
    }

    /// <summary>Takes one TLV (its type known from its first byte) off the front of <paramref name="tlvs"/>; a reason when
    /// it does not fit.</summary>
    private static string? Next(ref ReadOnlySpan<byte> tlvs, out byte type, out ReadOnlySpan<byte> value)
    {
        type = tlvs[0];
        value = default;
        if (tlvs.Length < HeaderLength) return $"runs past the end: {tlvs.Length} bytes left, a TLV takes at least {HeaderLength}";
        var length = BinaryPrimitives.ReadUInt16BigEndian(tlvs[1..]);
        if (length > tlvs.Length - HeaderLength)
            return $"runs past the end: {length} bytes announced, {tlvs.Length - HeaderLength} left";
        value = tlvs.Slice(HeaderLength, length);
        tlvs = tlvs[(HeaderLength + length)..];
        return null;
    }

    private static bool IsAscii(ReadOnlySpan<byte> value) => System.Text.Ascii.IsValid(value);

    private static string Name(byte type) => type switch
    {
        ProxyV2.TypeAlpn => "ALPN",
        ProxyV2.TypeAuthority => "AUTHORITY",
        ProxyV2.TypeCrc32c => "CRC32C",
        ProxyV2.TypeNoop => "NOOP",
        ProxyV2.TypeUniqueId => "UNIQUE_ID",
        ProxyV2.TypeSsl => "SSL",
        ProxyV2.TypeSslVersion => "SSL_VERSION",
        ProxyV2.TypeSslCn => "SSL_CN",
        ProxyV2.TypeSslCipher => "SSL_CIPHER",
        ProxyV2.TypeSslSigAlg => "SSL_SIG_ALG",
        ProxyV2.TypeSslKeyAlg => "SSL_KEY_ALG",
        ProxyV2.TypeNetns => "NETNS",
        _ => $"0x{type:X2}",
    };
}
