using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.Core.Proxy;

/// <summary>
/// Reads a PROXY protocol v1 or v2 header from the first bytes of a stream (haproxy's doc/proxy-protocol.txt). It
/// looks only at the bytes it is given and never reports more than the header as consumed, so the receiver can peek,
/// parse, then remove exactly <see cref="ProxyHeader.Length"/> bytes and leave the client's own data (a TLS
/// ClientHello, a request) in the socket. A v2 header's TLVs are checked (<see cref="ProxyV2Tlvs"/>) except under the
/// LOCAL command or the UNSPEC family, whose whole address block the spec says to discard.
/// By hand for the data path: it works on bytes peeked from the socket, before any is taken, where a library would
/// read them into a stream of its own.
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>The longest v1 line the spec allows, CRLF included.</summary>
    public const int MaxV1Length = 107;

    /// <summary>The most v2 address and TLV bytes quill takes by default: room for every address family and the
    /// TLVs a balancer sends (TLS details, an authority, a unique id); a longer header is refused as oversized.</summary>
    public const int DefaultMaxV2Payload = 1024;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>Parses the start of <paramref name="data"/>.</summary>
    /// <param name="maxV2Payload">A v2 header announcing more bytes after its first 16 is refused.</param>
    public static ProxyHeader Parse(ReadOnlySpan<byte> data, int maxV2Payload = DefaultMaxV2Payload)
    {
        if (data.IsEmpty) return ProxyHeader.Incomplete;
        if (data[0] == V1Prefix[0]) return ParseV1(data);
        if (data[0] == ProxyV2.Signature[0]) return ParseV2(data, maxV2Payload);
        return ProxyHeader.Invalid("no PROXY header");
    }

    private static ProxyHeader ParseV1(ReadOnlySpan<byte> data)
    {
        var prefix = Math.Min(data.Length, V1Prefix.Length);
        if (!data[..prefix].SequenceEqual(V1Prefix[..prefix])) return ProxyHeader.Invalid("no PROXY header");
        var window = data[..Math.Min(data.Length, MaxV1Length)];
        var end = window.IndexOf((byte)'\n');
        if (end < 0)
        {
            return data.Length >= MaxV1Length
                ? ProxyHeader.Invalid($"PROXY v1 line longer than {MaxV1Length} bytes")
                : ProxyHeader.Incomplete;
        }
        if (end == 0 || window[end - 1] != '\r') return ProxyHeader.Invalid("PROXY v1 line not ended by CRLF");
        var line = window[..(end - 1)];
        foreach (var b in line)
        {
            if (b is < 0x20 or > 0x7E) return ProxyHeader.Invalid("PROXY v1 line holds a byte that is not printable ASCII");
        }
        var words = Encoding.ASCII.GetString(line).Split(' ');
        var length = end + 1;
        if (words.Length >= 2 && words[1] == "UNKNOWN")
            return new ProxyHeader(ProxyParseStatus.Complete, length, null, ProxyVersion.V1, null, null);
        if (words.Length != 6) return ProxyHeader.Invalid("PROXY v1 line needs: PROXY TCP4|TCP6|UNKNOWN src dst sport dport");
        var family = words[1] switch
        {
            "TCP4" => AddressFamily.InterNetwork,
            "TCP6" => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown) return ProxyHeader.Invalid($"PROXY v1 protocol '{words[1]}' is not TCP4, TCP6 or UNKNOWN");
        if (!TryAddress(words[2], family, out var source) || !TryAddress(words[3], family, out var destination))
            return ProxyHeader.Invalid($"PROXY v1 address not of {words[1]}");
        if (!TryPort(words[4], out var sourcePort) || !TryPort(words[5], out var destinationPort))
            return ProxyHeader.Invalid("PROXY v1 port not a number 0-65535");
        return new ProxyHeader(ProxyParseStatus.Complete, length, null, ProxyVersion.V1,
            new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
    }

    private static ProxyHeader ParseV2(ReadOnlySpan<byte> data, int maxV2Payload)
    {
        var signature = ProxyV2.Signature;
        var prefix = Math.Min(data.Length, signature.Length);
        if (!data[..prefix].SequenceEqual(signature[..prefix])) return ProxyHeader.Invalid("no PROXY header");
        if (data.Length > 12 && (data[12] & 0xF0) != ProxyV2.Version) return ProxyHeader.Invalid("PROXY v2 version is not 2");
        if (data.Length > 12 && (data[12] & 0x0F) > ProxyV2.CommandProxy) return ProxyHeader.Invalid("PROXY v2 command is not LOCAL or PROXY");
        if (data.Length > 13 && (data[13] >> 4) > ProxyV2.FamilyUnix >> 4) return ProxyHeader.Invalid("PROXY v2 address family unknown");
        if (data.Length > 13 && (data[13] & 0x0F) > 2) return ProxyHeader.Invalid("PROXY v2 transport unknown");
        if (data.Length < ProxyV2.FixedLength) return ProxyHeader.Incomplete;
        var payload = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        if (payload > maxV2Payload) return ProxyHeader.Invalid($"PROXY v2 header of {ProxyV2.FixedLength + payload} bytes is over the limit of {ProxyV2.FixedLength + maxV2Payload}");
        var length = ProxyV2.FixedLength + payload;
        if (data.Length < length) return ProxyHeader.Incomplete;
        var local = new ProxyHeader(ProxyParseStatus.Complete, length, null, ProxyVersion.V2, null, null);
        // LOCAL: the sender's own connection (a health check); the addresses, if any, are to be ignored.
        if ((data[12] & 0x0F) == ProxyV2.CommandLocal) return local;
        var family = data[13] & 0xF0;
        var transport = data[13] & 0x0F;
        var body = data.Slice(ProxyV2.FixedLength, payload);
        switch (family)
        {
            case ProxyV2.FamilyUnspecified:
                return local;
            case ProxyV2.FamilyUnix:
                if (payload < ProxyV2.UnixAddressLength) return ProxyHeader.Invalid("PROXY v2 unix address block too short");
                return ProxyV2Tlvs.Check(data[..length], ProxyV2.FixedLength + ProxyV2.UnixAddressLength) is { } badTlv
                    ? ProxyHeader.Invalid(badTlv)
                    : local;
        }
        if (transport != ProxyV2.TransportStream) return ProxyHeader.Invalid("PROXY v2 transport is not STREAM on a TCP listener");
        var size = family == ProxyV2.FamilyInet ? 4 : 16;
        if (payload < 2 * size + 4) return ProxyHeader.Invalid("PROXY v2 address block too short");
        if (ProxyV2Tlvs.Check(data[..length], ProxyV2.FixedLength + 2 * size + 4) is { } bad) return ProxyHeader.Invalid(bad);
        var source = new IPEndPoint(new IPAddress(body[..size]), BinaryPrimitives.ReadUInt16BigEndian(body[(2 * size)..]));
        var destination = new IPEndPoint(new IPAddress(body.Slice(size, size)), BinaryPrimitives.ReadUInt16BigEndian(body[(2 * size + 2)..]));
        return new ProxyHeader(ProxyParseStatus.Complete, length, null, ProxyVersion.V2, source, destination);
    }

    /// <summary>Dotted quad for TCP4, an IPv6 text for TCP6; IPAddress.TryParse alone would take "1" as 0.0.0.1.</summary>
    private static bool TryAddress(string text, AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Length == 0) return false;
        if (family == AddressFamily.InterNetwork)
        {
            var parts = text.Split('.');
            if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit))) return false;
        }
        else if (!text.Contains(':') || text.Contains('%'))
        {
            return false;
        }
        return IPAddress.TryParse(text, out address!) && address.AddressFamily == family;
    }

    /// <summary>0-65535 in decimal, without a sign or leading zeros.</summary>
    private static bool TryPort(string text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5 || !text.All(char.IsAsciiDigit) || text.Length > 1 && text[0] == '0') return false;
        port = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return port <= 65535;
    }
}
