using System.Net;
using CsCheck;
using Quill.Core.Acl;
using Quill.Core.Tests.Acl;
using Quill.Fuzz.Tests.Harness;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// MaxMind's reader (MaxMind.Db) through quill's wrapper, <see cref="MaxMindCountryDatabase"/>: any file either opens
/// or is refused with one ArgumentException line naming it, and a database that opened answers every lookup (a country
/// or null) without throwing. The library is not quill's code, but what it throws on a hostile file is what the
/// wrapper must turn into a refusal or an unknown country, so the target stays.
/// </summary>
public sealed class MaxMindFuzz
{
    private const string Target = "mmdb";
    private const string Name = "fuzz.mmdb";
    private static readonly byte[] Marker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    private static readonly Gen<byte[]> Built = Gen.Select(Gen.OneOf(24, 28, 32), Gen.OneOf(4, 6),
        Gen.Select(Gen.Byte.Array[4, 4], Gen.Int[0, 32], Gen.OneOf("SE", "DE", "US", "A1", "", "xyz")).Array[0, 5],
        (recordSize, ipVersion, networks) =>
        {
            var builder = new MaxMindDbBuilder(recordSize, ipVersion);
            foreach (var (address, prefix, country) in networks)
                builder.Add($"{new IPAddress(address)}/{Math.Max(prefix, 1)}", country, registeredOnly: prefix % 3 == 0);
            return builder.Build();
        });

    private static readonly Lazy<IReadOnlyList<byte[]>> Seeds = new(() => [.. Corpus.Bytes(Target)]);

    /// <summary>A file whose metadata is a random value stream, pointers included: a valid tree, then hostile values.</summary>
    private static readonly Gen<byte[]> HostileMetadata = Gen.Select(Built, DataValues.Stream, (file, values) =>
    {
        var marker = file.AsSpan().LastIndexOf(Marker);
        return (byte[])[.. file.AsSpan(0, marker + Marker.Length), .. values];
    });

    private static readonly Gen<byte[]> Files = Gen.Frequency(
        (3, Built),
        (4, Gen.Int[0, 1].SelectMany(_ => Hostile.MutatedBytes(Seeds.Value))),
        (3, HostileMetadata),
        (1, Gen.Select(Hostile.RandomBytes, DataValues.Stream, (b, values) => (byte[])[.. b, .. Marker, .. values])),
        (1, Hostile.RandomBytes));

    [Fact]
    public void Fuzz() => FuzzCampaign.Run(Target, Gen.Select(Files, Addresses.Some), i => Check(i.Item1, i.Item2), i => Printed.Bytes(i.Item1));

    [Fact]
    public void Replay() => FuzzCampaign.Replay(Corpus.Bytes(Target), f => Check(f, Addresses.Fixed), Printed.Bytes);

    private static void Check(byte[] file, IPAddress[] lookups)
    {
        MaxMindCountryDatabase database;
        try
        {
            database = MaxMindCountryDatabase.Parse(file, Name);
        }
        catch (ArgumentException e)
        {
            Assert.Contains(Name, e.Message);
            Expect.OneLine(e.Message);
            return;
        }
        using (database)
        {
            foreach (var address in lookups) _ = database.CountryOf(address);
        }
    }
}
