using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Quill.Core.Acl;

/// <summary>An IPv6 network given as address and prefix length.</summary>
public sealed record Ipv6AclEntry : AclEntry
{
    public const int MaxPrefixLength = 128;

    private readonly UInt128 _network;
    private readonly UInt128 _mask;

    /// <param name="prefixLength">0..128; 128 (a single host) is pen's default.</param>
    public Ipv6AclEntry(bool permit, IPAddress address, int prefixLength = MaxPrefixLength) : base(permit)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"not an IPv6 address: '{address}'", nameof(address));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, MaxPrefixLength);
        Address = address;
        PrefixLength = prefixLength;
        _mask = prefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (MaxPrefixLength - prefixLength);
        // Masked here, unlike pen, so that a host address with a short prefix still names its network.
        _network = ToUInt128(address) & _mask;
    }

    /// <summary>The address as given; `write` prints it unmasked so the file round-trips.</summary>
    public IPAddress Address { get; }

    public int PrefixLength { get; }

    internal bool Matches(UInt128 client) => (client & _mask) == _network;

    public override string ToCommand(int aclNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"acl {aclNumber} {Verb} {Address}/{PrefixLength}");

    internal static UInt128 ToUInt128(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
