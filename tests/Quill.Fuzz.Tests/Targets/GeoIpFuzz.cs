using System.Net;
using CsCheck;
using Quill.Core.Acl;
using Quill.Core.Tests.Acl;
using Quill.Fuzz.Tests.Harness;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// The legacy GeoIP reader (GeoIP.dat, GeoIPv6.dat): any pair of files either opens or is refused with one
/// ArgumentException line naming it, and lookups in what opened never throw and give a known code or null.
/// </summary>
public sealed class GeoIpFuzz
{
    private const string Target = "geoip";
    private const string Name = "fuzz.dat";

    private static readonly Gen<byte[]> Built = Gen.Select(Gen.Bool,
        Gen.Select(Gen.Byte.Array[16, 16], Gen.Int[1, 32], Gen.OneOf("SE", "DE", "US", "A1", "O1")).Array[0, 6],
        Gen.OneOf<byte>(1, 12, 106, 117, 2, 0xFF),
        (ipv6, networks, edition) =>
        {
            var builder = new GeoIpDatabaseBuilder();
            foreach (var (address, prefix, country) in networks)
            {
                var bytes = ipv6 ? address : address[..4];
                builder.Add($"{new IPAddress(bytes)}/{(ipv6 ? prefix * 4 : prefix)}", country);
            }
            return builder.Bytes(edition);
        });

    private static readonly Lazy<IReadOnlyList<byte[]>> Seeds = new(() => [.. Corpus.Bytes(Target)]);

    private static readonly Gen<byte[]> Files = Gen.Frequency(
        (3, Built),
        (4, Gen.Int[0, 1].SelectMany(_ => Hostile.MutatedBytes(Seeds.Value))),
        (2, Hostile.RandomBytes),
        (1, Hostile.RandomBytes.Select(b => (byte[])[.. b, 0xFF, 0xFF, 0xFF, (byte)(b.Length % 2 == 0 ? 1 : 12)])));

    [Fact]
    public void Fuzz() => FuzzCampaign.Run(Target, Gen.Select(Files, Files, Addresses.Some),
        i => Check(i.Item1, i.Item2, i.Item3), i => $"{Printed.Bytes(i.Item1)} {Printed.Bytes(i.Item2)}");

    [Fact]
    public void Replay() => FuzzCampaign.Replay(Corpus.Bytes(Target), f => Check(f, f, Addresses.Fixed), Printed.Bytes);

    private static void Check(byte[] ipv4, byte[] ipv6, IPAddress[] lookups)
    {
        GeoIpCountryDatabase database;
        try
        {
            database = GeoIpCountryDatabase.Parse(ipv4, ipv6, Name);
        }
        catch (ArgumentException e)
        {
            Assert.Contains(Name, e.Message);
            Expect.OneLine(e.Message);
            return;
        }
        foreach (var address in lookups)
        {
            var country = database.CountryOf(address);
            Assert.True(country is null || GeoIpCountryCodes.IndexOf(country) > 0, $"unknown country '{country}'");
        }
    }
}
