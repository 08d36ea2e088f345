using System.Buffers.Binary;
using System.Net;
using System.Text;
using Quill.Core.Proxy;
using Xunit;

namespace Quill.Core.Tests.Proxy;

/// <summary>The sender's side: the exact bytes of each form, and the parser reading back what the writer wrote.</summary>
public class ProxyHeaderWriterTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("127.0.0.7"), 40000);
    private static readonly IPEndPoint Listener = new(IPAddress.Parse("127.0.0.1"), 8080);

    [Fact]
    public void V1Tcp4_IsTheSpecsLine()
    {
        var line = Encoding.ASCII.GetString(ProxyHeaderWriter.Write(ProxyVersion.V1, Client, Listener));

        Assert.Equal("PROXY TCP4 127.0.0.7 127.0.0.1 40000 8080\r\n", line);
    }

    [Fact]
    public void V1MappedIpv4OnADualStackListener_IsTcp4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.9"), 1234);
        var listener = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.1"), 80);

        Assert.Equal("PROXY TCP4 192.0.2.9 192.0.2.1 1234 80\r\n", Encoding.ASCII.GetString(ProxyHeaderWriter.WriteV1(mapped, listener)));
    }

    [Fact]
    public void V1Ipv6_IsTcp6()
    {
        var client = new IPEndPoint(IPAddress.Parse("2001:db8::5"), 1);
        var listener = new IPEndPoint(IPAddress.IPv6Loopback, 2);

        Assert.Equal("PROXY TCP6 2001:db8::5 ::1 1 2\r\n", Encoding.ASCII.GetString(ProxyHeaderWriter.WriteV1(client, listener)));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void V1UnixClientOrListener_IsUnknown(bool unixClient, bool unixListener)
    {
        var line = ProxyHeaderWriter.WriteV1(unixClient ? null : Client, unixListener ? null : Listener);

        Assert.Equal("PROXY UNKNOWN\r\n", Encoding.ASCII.GetString(line));
    }

    [Fact]
    public void V2Tcp4_IsTheSpecsBlock()
    {
        var block = ProxyHeaderWriter.Write(ProxyVersion.V2, Client, Listener);

        byte[] expected = [.. ProxyV2.Signature, 0x21, 0x11, 0, 12, 127, 0, 0, 7, 127, 0, 0, 1, 0x9C, 0x40, 0x1F, 0x90];
        Assert.Equal(expected, block);
    }

    [Fact]
    public void V2UnixClient_IsProxyCommandWithUnspecifiedFamily()
    {
        var block = ProxyHeaderWriter.Write(ProxyVersion.V2, null, Listener);

        Assert.Equal([.. ProxyV2.Signature, 0x21, 0x00, 0, 0], block);
    }

    [Fact]
    public void V2WithTls_CarriesSslVersionCipherAndAuthority()
    {
        var tls = new ProxyTlsDetails("TLSv1.3", "TLS_AES_256_GCM_SHA384", "www.example.test", ClientCertificate: false);

        var block = ProxyHeaderWriter.Write(ProxyVersion.V2, Client, Listener, tls);

        var tlvs = Tlvs(block.AsSpan(16 + 12));
        Assert.Equal([ProxyV2.TypeSsl, ProxyV2.TypeAuthority], tlvs.Select(t => t.Type));
        Assert.Equal("www.example.test", Encoding.ASCII.GetString(tlvs[1].Value));
        var ssl = tlvs[0].Value;
        Assert.Equal(ProxyV2.ClientSsl, ssl[0]);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(ssl.AsSpan(1)));
        var sub = Tlvs(ssl.AsSpan(5));
        Assert.Equal([(ProxyV2.TypeSslVersion, "TLSv1.3"), (ProxyV2.TypeSslCipher, "TLS_AES_256_GCM_SHA384")],
            sub.Select(t => (t.Type, Encoding.ASCII.GetString(t.Value))));
        Assert.Equal(block.Length - 16, BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan(14)));
    }

    [Fact]
    public void V2WithTlsWithoutSniButWithClientCertificate_NoAuthorityAndCertificateFlags()
    {
        var tls = new ProxyTlsDetails("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", null, ClientCertificate: true);

        var tlvs = Tlvs(ProxyHeaderWriter.WriteV2(Client, Listener, tls).AsSpan(16 + 12));

        var ssl = Assert.Single(tlvs);
        Assert.Equal(ProxyV2.ClientSsl | ProxyV2.ClientCertConnection | ProxyV2.ClientCertSession, ssl.Value[0]);
    }

    [Theory]
    [InlineData(ProxyVersion.V1, "127.0.0.9", "127.0.0.1")]
    [InlineData(ProxyVersion.V2, "127.0.0.9", "127.0.0.1")]
    [InlineData(ProxyVersion.V1, "2001:db8::9", "::1")]
    [InlineData(ProxyVersion.V2, "2001:db8::9", "::1")]
    [InlineData(ProxyVersion.V2, "192.0.2.1", "::1")]
    public void WhatTheWriterWrites_TheParserReadsBack(ProxyVersion version, string client, string listener)
    {
        var source = new IPEndPoint(IPAddress.Parse(client), 5555);
        var destination = new IPEndPoint(IPAddress.Parse(listener), 443);
        var tls = new ProxyTlsDetails("TLSv1.3", "TLS_AES_128_GCM_SHA256", "a.test", false);

        var written = ProxyHeaderWriter.Write(version, source, destination, tls);
        var header = ProxyHeaderParser.Parse([.. written, 1, 2, 3]);

        Assert.Equal(ProxyParseStatus.Complete, header.Status);
        Assert.Equal(written.Length, header.Length);
        var mixed = source.AddressFamily != destination.AddressFamily;
        Assert.Equal(mixed ? new IPEndPoint(source.Address.MapToIPv6(), 5555) : source, header.Source);
        Assert.Equal(destination, header.Destination);
    }

    [Fact]
    public void Off_WritesNothing() => Assert.Empty(ProxyHeaderWriter.Write(ProxyVersion.Off, Client, Listener));

    private static List<(byte Type, byte[] Value)> Tlvs(ReadOnlySpan<byte> data)
    {
        var found = new List<(byte, byte[])>();
        while (data.Length >= 3)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[1..]);
            found.Add((data[0], data[3..(3 + length)].ToArray()));
            data = data[(3 + length)..];
        }
        Assert.True(data.IsEmpty, "TLVs do not fill the block exactly");
        return found;
    }
}
