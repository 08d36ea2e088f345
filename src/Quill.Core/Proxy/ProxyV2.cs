namespace Quill.Core.Proxy;

/// <summary>The constants of the binary header (haproxy's doc/proxy-protocol.txt, section 2.2).</summary>
public static class ProxyV2
{
    /// <summary>The 12-byte signature: it cannot start any HTTP, SMTP, TLS or v1 stream.</summary>
    public static ReadOnlySpan<byte> Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>Signature, version and command, family and transport, and the 2-byte length of what follows.</summary>
    public const int FixedLength = 16;

    public const byte Version = 0x20;
    public const byte CommandLocal = 0x00;
    public const byte CommandProxy = 0x01;

    public const byte FamilyUnspecified = 0x00;
    public const byte FamilyInet = 0x10;
    public const byte FamilyInet6 = 0x20;
    public const byte FamilyUnix = 0x30;
    public const byte TransportStream = 0x01;

    /// <summary>Address block sizes: two addresses and two ports (IPv4, IPv6), or two 108-byte paths (unix).</summary>
    public const int InetAddressLength = 12;
    public const int Inet6AddressLength = 36;
    public const int UnixAddressLength = 216;

    public const byte TypeAlpn = 0x01;
    public const byte TypeAuthority = 0x02;
    public const byte TypeCrc32c = 0x03;
    public const byte TypeNoop = 0x04;
    public const byte TypeUniqueId = 0x05;
    public const byte TypeSsl = 0x20;
    public const byte TypeSslVersion = 0x21;
    public const byte TypeSslCn = 0x22;
    public const byte TypeSslCipher = 0x23;
    public const byte TypeSslSigAlg = 0x24;
    public const byte TypeSslKeyAlg = 0x25;
    public const byte TypeNetns = 0x30;

    /// <summary>PP2_TYPE_SSL's client field: the client connected over TLS, and presented a certificate.</summary>
    public const byte ClientSsl = 0x01;
    public const byte ClientCertConnection = 0x02;
    public const byte ClientCertSession = 0x04;
}
