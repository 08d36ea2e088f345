using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Quill.Core.Model;

/// <summary>
/// A client address packed into two words, so table lookups neither allocate nor hash an <see cref="IPAddress"/>.
/// IPv4 is kept as pen keeps it on x86: the four bytes in network order read as a little-endian uint32.
/// IPv4-mapped IPv6 addresses count as IPv4. All unix-socket clients share one key.
/// </summary>
internal readonly struct ClientKey : IEquatable<ClientKey>
{
    private ClientKey(AddressFamily family, ulong high, ulong low)
    {
        Family = family;
        High = high;
        Low = low;
    }

    public static ClientKey Unix { get; } = new(AddressFamily.Unix, 0, 0);

    public AddressFamily Family { get; }
    public ulong High { get; }
    public ulong Low { get; }

    /// <summary>pen's native view of an IPv4 address (meaningful for IPv4 keys only).</summary>
    public uint IPv4Native => (uint)Low;

    /// <summary>The last byte of an IPv6 address (meaningful for IPv6 keys only).</summary>
    public byte IPv6LastByte => (byte)Low;

    public static ClientKey From(IPAddress? address)
    {
        if (address is null)
        {
            return Unix;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException($"cannot read client address {address}", nameof(address));
        }

        if (written == 4)
        {
            return new(AddressFamily.InterNetwork, 0, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return new(AddressFamily.InterNetwork, 0, BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]));
        }

        return new(AddressFamily.InterNetworkV6,
            BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>The address again, for status pages; null for unix clients.</summary>
    public IPAddress? ToAddress()
    {
        if (Family == AddressFamily.Unix)
        {
            return null;
        }

        if (Family == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(v4, IPv4Native);
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(v6, High);
        BinaryPrimitives.WriteUInt64BigEndian(v6[8..], Low);
        return new IPAddress(v6);
    }

    public bool Equals(ClientKey other) => Family == other.Family && High == other.High && Low == other.Low;

    public override bool Equals(object? obj) => obj is ClientKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Family, High, Low);

    public static bool operator ==(ClientKey left, ClientKey right) => left.Equals(right);

    public static bool operator !=(ClientKey left, ClientKey right) => !left.Equals(right);
}
