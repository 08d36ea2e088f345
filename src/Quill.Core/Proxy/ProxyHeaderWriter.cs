using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.Core.Proxy;

/// <summary>
/// Builds the PROXY protocol header quill sends first on a server connection (haproxy's doc/proxy-protocol.txt).
/// An origin it cannot state as TCP over IPv4 or IPv6 (a unix-socket client or listener) is announced as unknown:
/// <c>PROXY UNKNOWN</c> in v1, the PROXY command with AF_UNSPEC in v2, so the server uses the connection's own
/// addresses, as the spec asks of it.
/// </summary>
public static class ProxyHeaderWriter
{
    /// <param name="source">The client's address; null for a unix-socket client.</param>
    /// <param name="destination">The address the client connected to; null for a unix-socket listener.</param>
    /// <param name="tls">v2 only: the TLS connection quill terminated; null for plain TCP.</param>
    public static byte[] Write(ProxyVersion version, IPEndPoint? source, IPEndPoint? destination, ProxyTlsDetails? tls = null) =>
        version switch
        {
            ProxyVersion.V1 => WriteV1(source, destination),
            ProxyVersion.V2 => WriteV2(source, destination, tls),
            _ => [],
        };

    /// <summary>The v1 line; "PROXY UNKNOWN\r\n" when either side is not TCP over IP.</summary>
    public static byte[] WriteV1(IPEndPoint? source, IPEndPoint? destination)
    {
        if (!TryPair(source, destination, out var from, out var to)) return "PROXY UNKNOWN\r\n"u8.ToArray();
        var family = from.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"PROXY {family} {Text(from.Address)} {Text(to.Address)} {from.Port} {to.Port}\r\n");
        return Encoding.ASCII.GetBytes(line);
    }

    /// <summary>The v2 header: PROXY command, TCP over IPv4 or IPv6 (AF_UNSPEC when unknown), then the TLS TLVs.</summary>
    public static byte[] WriteV2(IPEndPoint? source, IPEndPoint? destination, ProxyTlsDetails? tls)
    {
        var known = TryPair(source, destination, out var from, out var to);
        var v4 = known && from.AddressFamily == AddressFamily.InterNetwork;
        var addressLength = !known ? 0 : v4 ? ProxyV2.InetAddressLength : ProxyV2.Inet6AddressLength;
        var tlvs = tls is null ? [] : TlsTlvs(tls);
        var header = new byte[ProxyV2.FixedLength + addressLength + tlvs.Length];
        ProxyV2.Signature.CopyTo(header);
        header[12] = ProxyV2.Version | ProxyV2.CommandProxy;
        header[13] = !known ? ProxyV2.FamilyUnspecified
            : (byte)((v4 ? ProxyV2.FamilyInet : ProxyV2.FamilyInet6) | ProxyV2.TransportStream);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(addressLength + tlvs.Length));
        var body = header.AsSpan(ProxyV2.FixedLength);
        if (known)
        {
            var size = v4 ? 4 : 16;
            from.Address.TryWriteBytes(body, out _);
            to.Address.TryWriteBytes(body[size..], out _);
            BinaryPrimitives.WriteUInt16BigEndian(body[(2 * size)..], (ushort)from.Port);
            BinaryPrimitives.WriteUInt16BigEndian(body[(2 * size + 2)..], (ushort)to.Port);
        }
        tlvs.CopyTo(body[addressLength..]);
        return header;
    }

    /// <summary>PP2_TYPE_SSL (client flags, verify 0, version and cipher sub-TLVs), then PP2_TYPE_AUTHORITY for SNI.</summary>
    private static byte[] TlsTlvs(ProxyTlsDetails tls)
    {
        var version = Encoding.ASCII.GetBytes(tls.Version);
        var cipher = Encoding.ASCII.GetBytes(tls.Cipher);
        var sslValue = new byte[5 + 3 + version.Length + 3 + cipher.Length];
        sslValue[0] = (byte)(ProxyV2.ClientSsl | (tls.ClientCertificate ? ProxyV2.ClientCertConnection | ProxyV2.ClientCertSession : 0));
        // verify: 0 means the client's certificate, if any, was verified; quill closes a client whose is not.
        var at = 5;
        at = Tlv(sslValue, at, ProxyV2.TypeSslVersion, version);
        Tlv(sslValue, at, ProxyV2.TypeSslCipher, cipher);
        var authority = tls.ServerName is { Length: > 0 } name ? Encoding.ASCII.GetBytes(name) : null;
        var all = new byte[3 + sslValue.Length + (authority is null ? 0 : 3 + authority.Length)];
        at = Tlv(all, 0, ProxyV2.TypeSsl, sslValue);
        if (authority is not null) Tlv(all, at, ProxyV2.TypeAuthority, authority);
        return all;
    }

    private static int Tlv(byte[] target, int at, byte type, byte[] value)
    {
        target[at] = type;
        BinaryPrimitives.WriteUInt16BigEndian(target.AsSpan(at + 1), (ushort)value.Length);
        value.CopyTo(target, at + 3);
        return at + 3 + value.Length;
    }

    /// <summary>
    /// Both sides in one family: IPv4 when both are (IPv4-mapped IPv6 counts as IPv4, as a dual-stack listener sees
    /// IPv4 clients), else both as IPv6. False when either is unknown.
    /// </summary>
    private static bool TryPair(IPEndPoint? source, IPEndPoint? destination, out IPEndPoint from, out IPEndPoint to)
    {
        from = to = null!;
        if (source is null || destination is null) return false;
        var a = Unmapped(source.Address);
        var b = Unmapped(destination.Address);
        if (a.AddressFamily != b.AddressFamily)
        {
            a = a.MapToIPv6();
            b = b.MapToIPv6();
        }
        from = new IPEndPoint(a, source.Port);
        to = new IPEndPoint(b, destination.Port);
        return true;
    }

    private static IPAddress Unmapped(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        // A scope id has no place in the header; the address alone is what the server logs.
        return plain.AddressFamily == AddressFamily.InterNetworkV6 && plain.ScopeId != 0 ? new IPAddress(plain.GetAddressBytes()) : plain;
    }

    private static string Text(IPAddress address) => address.ToString();
}
