using System.Net;
using System.Text;
using Quill.Core.Proxy;
using Xunit;

namespace Quill.Core.Tests.Proxy;

/// <summary>The receiver's side of haproxy's doc/proxy-protocol.txt: v1 lines and v2 blocks, whole, cut short and bent.</summary>
public class ProxyHeaderParserTests
{
    private static ProxyHeader Parse(string text) => ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(text));

    [Fact]
    public void V1Tcp4_FollowedByData_ConsumesTheLineOnly()
    {
        var line = "PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n";

        var header = Parse(line + "GET / HTTP/1.1\r\n");

        Assert.Equal(ProxyParseStatus.Complete, header.Status);
        Assert.Equal(line.Length, header.Length);
        Assert.Equal(ProxyVersion.V1, header.Version);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 56324), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 443), header.Destination);
    }

    [Fact]
    public void V1Tcp6_Parses()
    {
        var header = Parse("PROXY TCP6 2001:db8::1 ::1 65535 0\r\n");

        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 65535), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 0), header.Destination);
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")]
    public void V1Unknown_AnnouncesNobody(string line)
    {
        var header = Parse(line);

        Assert.Equal(ProxyParseStatus.Complete, header.Status);
        Assert.Equal(line.Length, header.Length);
        Assert.Null(header.Source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PROXY")]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443")]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r")]
    public void V1CutShort_IsIncomplete(string text) => Assert.Equal(ProxyParseStatus.Incomplete, Parse(text).Status);

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("PROXX TCP4 1.2.3.4 1.2.3.4 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n")]
    [InlineData("PROXY TCP5 1.2.3.4 1.2.3.4 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3 1.2.3.4 1 2\r\n")]
    [InlineData("PROXY TCP4 1 1.2.3.4 1 2\r\n")]
    [InlineData("PROXY TCP4 ::1 1.2.3.4 1 2\r\n")]
    [InlineData("PROXY TCP6 1.2.3.4 ::1 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 -1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 01 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4  1.2.3.4 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 1.2.3.4 1 2 3\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4\t1.2.3.4 1 2\r\n")]
    public void V1Malformed_IsInvalid(string text)
    {
        var header = Parse(text);

        Assert.Equal(ProxyParseStatus.Invalid, header.Status);
        Assert.False(string.IsNullOrEmpty(header.Error));
    }

    [Fact]
    public void V1LongerThan107Bytes_IsInvalidEvenBeforeItsEnd()
    {
        var text = "PROXY UNKNOWN " + new string('x', 100);

        Assert.Equal(ProxyParseStatus.Invalid, Parse(text).Status);
        Assert.Equal(ProxyParseStatus.Invalid, Parse(text + "\r\n").Status);
    }

    [Fact]
    public void V1Of107BytesExactly_IsComplete()
    {
        var text = "PROXY UNKNOWN " + new string('x', 107 - 16) + "\r\n";

        Assert.Equal(107, text.Length);
        Assert.Equal(ProxyParseStatus.Complete, Parse(text).Status);
    }

    [Fact]
    public void V2Inet_FollowedByData_ConsumesTheBlockOnly()
    {
        byte[] block = [.. ProxyV2.Signature, 0x21, 0x11, 0, 12, 192, 0, 2, 7, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB];

        var header = ProxyHeaderParser.Parse([.. block, 0x16, 0x03, 0x01]);

        Assert.Equal(ProxyParseStatus.Complete, header.Status);
        Assert.Equal(block.Length, header.Length);
        Assert.Equal(ProxyVersion.V2, header.Version);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 56324), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 443), header.Destination);
    }

    [Fact]
    public void V2Inet6WithTlvs_SkipsTheTlvs()
    {
        var source = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        var destination = IPAddress.IPv6Loopback.GetAddressBytes();
        byte[] tlv = [0x04, 0, 3, 0, 0, 0];
        byte[] block = [.. ProxyV2.Signature, 0x21, 0x21, 0, (byte)(36 + tlv.Length), .. source, .. destination, 0, 80, 0, 81, .. tlv];

        var header = ProxyHeaderParser.Parse(block);

        Assert.Equal(block.Length, header.Length);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 80), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 81), header.Destination);
    }

    [Theory]
    [InlineData(0x20, 0x11)] // LOCAL: a health check of the sender's own; addresses ignored
    [InlineData(0x21, 0x00)] // AF_UNSPEC
    public void V2LocalOrUnspecified_AnnouncesNobody(byte command, byte family)
    {
        byte[] block = [.. ProxyV2.Signature, command, family, 0, 12, .. new byte[12]];

        var header = ProxyHeaderParser.Parse(block);

        Assert.Equal(ProxyParseStatus.Complete, header.Status);
        Assert.Equal(block.Length, header.Length);
        Assert.Null(header.Source);
    }

    [Fact]
    public void V2Unix_AnnouncesNobody()
    {
        byte[] block = [.. ProxyV2.Signature, 0x21, 0x31, 0, 216, .. new byte[216]];

        Assert.Null(ProxyHeaderParser.Parse(block).Source);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(block).Status);
    }

    [Fact]
    public void V2CutAnywhere_IsIncomplete()
    {
        byte[] block = [.. ProxyV2.Signature, 0x21, 0x11, 0, 12, 192, 0, 2, 7, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB];

        for (var cut = 1; cut < block.Length; cut++)
            Assert.Equal(ProxyParseStatus.Incomplete, ProxyHeaderParser.Parse(block.AsSpan(0, cut)).Status);
    }

    [Theory]
    [InlineData(3, 0x0B)] // signature byte
    [InlineData(12, 0x11)] // version 1 in a v2 block
    [InlineData(12, 0x22)] // command 2
    [InlineData(13, 0x41)] // family 4
    [InlineData(13, 0x13)] // transport 3
    [InlineData(13, 0x12)] // datagram on a TCP listener
    [InlineData(15, 11)] // address block shorter than IPv4's
    public void V2Bent_IsInvalid(int at, byte value)
    {
        byte[] block = [.. ProxyV2.Signature, 0x21, 0x11, 0, 12, 192, 0, 2, 7, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB];
        block[at] = value;

        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(block).Status);
    }

    [Fact]
    public void V2BadFamily_IsInvalidFromItsFourteenthByte()
    {
        byte[] start = [.. ProxyV2.Signature, 0x21, 0x51];

        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(start).Status);
    }

    [Fact]
    public void V2LengthOverTheLimit_IsInvalidBeforeTheBytesArrive()
    {
        byte[] start = [.. ProxyV2.Signature, 0x21, 0x11, 0xFF, 0xFF];

        var header = ProxyHeaderParser.Parse(start);

        Assert.Equal(ProxyParseStatus.Invalid, header.Status);
        Assert.Contains("over the limit", header.Error);
    }

    [Fact]
    public void V2LengthAtTheLimit_IsAccepted()
    {
        byte[] block = [.. ProxyV2.Signature, 0x20, 0x00, 0, 64, .. new byte[64]];

        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(block, maxV2Payload: 64).Status);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(block, maxV2Payload: 63).Status);
    }

    [Theory]
    [InlineData(new byte[] { 0x16, 0x03, 0x01 })] // a TLS ClientHello without a header
    [InlineData(new byte[] { 0x0D, 0x0A, 0x0D, 0x0A, 0x01 })]
    public void NoHeader_IsInvalid(byte[] data) => Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(data).Status);
}
