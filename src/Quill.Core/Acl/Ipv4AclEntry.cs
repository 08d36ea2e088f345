using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Quill.Core.Acl;

/// <summary>An IPv4 address with a dotted-quad mask; the mask need not be contiguous, as in pen.</summary>
public sealed record Ipv4AclEntry : AclEntry
{
    private static readonly IPAddress HostMask = IPAddress.Parse("255.255.255.255");

    private readonly uint _network;
    private readonly uint _mask;

    /// <param name="mask">Defaults to 255.255.255.255 (a single host).</param>
    public Ipv4AclEntry(bool permit, IPAddress address, IPAddress? mask = null) : base(permit)
    {
        ArgumentNullException.ThrowIfNull(address);
        mask ??= HostMask;
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"not an IPv4 address: '{address}'", nameof(address));
        }
        if (mask.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"not an IPv4 mask: '{mask}'", nameof(mask));
        }
        Address = address;
        Mask = mask;
        _mask = ToUInt32(mask);
        // Masking the stored address fixes pen, where `permit 127.0.0.5 255.0.0.0` never matched anything.
        _network = ToUInt32(address) & _mask;
    }

    /// <summary>The address as given; `write` prints it unmasked so the file round-trips.</summary>
    public IPAddress Address { get; }

    public IPAddress Mask { get; }

    internal bool Matches(uint client) => (client & _mask) == _network;

    public override string ToCommand(int aclNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"acl {aclNumber} {Verb} {Address} {Mask}");

    internal static uint ToUInt32(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }
}
