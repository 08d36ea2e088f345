using System.Buffers.Binary;
using System.Net;
using Quill.Core.Proxy;
using Xunit;

namespace Quill.Core.Tests.Proxy;

/// <summary>The TLVs after a v2 header's addresses: whole, inside the header, and of the form the spec gives them.</summary>
public class ProxyV2TlvsTests
{
    private static readonly byte[] Inet = [192, 0, 2, 7, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB];

    /// <summary>A v2 PROXY TCP4 header with <paramref name="tlvs"/> after its addresses.</summary>
    private static byte[] Block(params byte[][] tlvs)
    {
        byte[] after = [.. Inet, .. tlvs.SelectMany(t => t)];
        byte[] block = [.. ProxyV2.Signature, 0x21, 0x11, 0, 0, .. after];
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(14), (ushort)after.Length);
        return block;
    }

    private static byte[] Tlv(byte type, params byte[] value) => [type, (byte)(value.Length >> 8), (byte)value.Length, .. value];

    /// <summary>A header ending in a CRC32C TLV that holds the right checksum.</summary>
    private static byte[] WithCrc(params byte[][] tlvs)
    {
        var block = Block([.. tlvs, Tlv(ProxyV2.TypeCrc32c, 0, 0, 0, 0)]);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(block.Length - 4), ProxyV2Tlvs.Crc32c(block));
        return block;
    }

    private static string? Refusal(byte[] block)
    {
        var header = ProxyHeaderParser.Parse(block);
        Assert.NotEqual(ProxyParseStatus.Incomplete, header.Status);
        return header.Status == ProxyParseStatus.Invalid ? header.Error : null;
    }

    [Fact]
    public void Crc32c_IsCastagnoli() => Assert.Equal(0xE3069283u, ProxyV2Tlvs.Crc32c("123456789"u8));

    [Fact]
    public void Crc32c_ThatMatches_IsAccepted_ABentByteAnywhereIsRefused()
    {
        var block = WithCrc(Tlv(ProxyV2.TypeAuthority, "example.test"u8.ToArray()));

        Assert.Null(Refusal(block));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 56324), ProxyHeaderParser.Parse(block).Source);
        for (var at = ProxyV2.FixedLength; at < block.Length; at += 5)
        {
            var bent = block.ToArray();
            bent[at] ^= 0x40;
            Assert.NotNull(Refusal(bent));
        }
        block[20] ^= 1; // an address byte: only the checksum can tell
        Assert.Equal("PROXY v2 TLV CRC32C does not match the header", Refusal(block));
    }

    [Fact]
    public void Crc32c_NotFourBytes_IsRefused() =>
        Assert.Equal("PROXY v2 TLV CRC32C is not 4 bytes", Refusal(Block(Tlv(ProxyV2.TypeCrc32c, 1, 2, 3))));

    [Theory]
    [InlineData(new byte[] { 0x04, 0, 9, 1, 2 }, "PROXY v2 TLV NOOP runs past the end: 9 bytes announced, 2 left")]
    [InlineData(new byte[] { 0x04, 0 }, "PROXY v2 TLV NOOP runs past the end: 2 bytes left, a TLV takes at least 3")]
    [InlineData(new byte[] { 0xE0 }, "PROXY v2 TLV 0xE0 runs past the end: 1 bytes left, a TLV takes at least 3")]
    [InlineData(new byte[] { 0x02, 0, 2, 0xC3, 0x28 }, "PROXY v2 TLV AUTHORITY is not UTF-8")]
    [InlineData(new byte[] { 0x30, 0, 2, (byte)'n', 0xE9 }, "PROXY v2 TLV NETNS is not US-ASCII")]
    [InlineData(new byte[] { 0x20, 0, 4, 1, 0, 0, 0 }, "PROXY v2 TLV SSL is shorter than its 5 fixed bytes")]
    [InlineData(new byte[] { 0x20, 0, 8, 1, 0, 0, 0, 0, 0x21, 0, 7 }, "PROXY v2 TLV SSL sub-TLV SSL_VERSION runs past the end: 7 bytes announced, 0 left")]
    [InlineData(new byte[] { 0x20, 0, 9, 1, 0, 0, 0, 0, 0x23, 0, 1, 0x80 }, "PROXY v2 TLV SSL sub-TLV SSL_CIPHER is not US-ASCII")]
    [InlineData(new byte[] { 0x20, 0, 9, 1, 0, 0, 0, 0, 0x22, 0, 1, 0xFF }, "PROXY v2 TLV SSL sub-TLV SSL_CN is not UTF-8")]
    public void Malformed_IsRefusedWithOneLine(byte[] tlvs, string reason) => Assert.Equal(reason, Refusal(Block(tlvs)));

    [Fact]
    public void UniqueId_UpTo128Bytes()
    {
        Assert.Null(Refusal(Block(Tlv(ProxyV2.TypeUniqueId, new byte[128]))));
        Assert.Equal("PROXY v2 TLV UNIQUE_ID is longer than 128 bytes", Refusal(Block(Tlv(ProxyV2.TypeUniqueId, new byte[129]))));
    }

    [Fact]
    public void UnknownTypes_AlpnAndNoop_AreSkippedWhateverTheyHold()
    {
        var block = Block(Tlv(ProxyV2.TypeAlpn, "h2"u8.ToArray()), Tlv(ProxyV2.TypeNoop, 0xFF, 0), Tlv(0xE5, 0x80, 0xFF),
            Tlv(0x20, 1, 0, 0, 0, 0, 0xE0, 0, 1, 0xFF), Tlv(0xFF));

        Assert.Null(Refusal(block));
    }

    [Fact]
    public void TheWritersTlsTlvs_AreAccepted()
    {
        var block = ProxyHeaderWriter.WriteV2(new IPEndPoint(IPAddress.Loopback, 5000), new IPEndPoint(IPAddress.Loopback, 443),
            new ProxyTlsDetails("TLSv1.3", "TLS_AES_256_GCM_SHA384", "www.example.test", ClientCertificate: true));

        Assert.Null(Refusal(block));
    }

    [Fact]
    public void UnixFamily_TlvsAreChecked_LocalCommandsAreNot()
    {
        byte[] badTlv = [0x04, 0, 9];
        byte[] unix = [.. ProxyV2.Signature, 0x21, 0x31, 0, 219, .. new byte[216], .. badTlv];
        byte[] local = [.. ProxyV2.Signature, 0x20, 0x11, 0, 15, .. Inet, .. badTlv];

        Assert.Equal("PROXY v2 TLV NOOP runs past the end: 9 bytes announced, 0 left", Refusal(unix));
        Assert.Null(Refusal(local));
    }
}
