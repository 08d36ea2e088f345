using System.Net;
using CsCheck;

namespace Quill.Fuzz.Tests.Harness;

/// <summary>Addresses to look up: IPv4, IPv6 and IPv4-mapped IPv6, random bits with a bias to the few networks the seeds map.</summary>
internal static class Addresses
{
    public static readonly Gen<IPAddress> Any = Gen.Frequency(
        (4, Gen.Byte.Array[4, 4].Select(b => new IPAddress(b))),
        (4, Gen.Byte.Array[16, 16].Select(b => new IPAddress(b))),
        (2, Gen.Byte.Array[4, 4].Select(b => new IPAddress(b).MapToIPv6())),
        (2, Gen.OneOf("10.1.2.3", "192.0.2.1", "2001:db8::1", "::1", "0.0.0.0", "255.255.255.255", "::").Select(IPAddress.Parse)));

    public static readonly Gen<IPAddress[]> Some = Any.Array[1, 8];

    /// <summary>For replays: one of each kind.</summary>
    public static readonly IPAddress[] Fixed =
        [.. new[] { "10.1.2.3", "192.0.2.1", "2001:db8::1", "::ffff:10.1.2.3", "::1", "0.0.0.0", "255.255.255.255" }.Select(IPAddress.Parse)];
}
