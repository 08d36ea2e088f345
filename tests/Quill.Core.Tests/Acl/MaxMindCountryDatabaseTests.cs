using System.Net;
using Quill.Core.Acl;
using Xunit;

namespace Quill.Core.Tests.Acl;

public sealed class MaxMindCountryDatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("quill-mmdb-").FullName;

    private string Path(string name) => System.IO.Path.Combine(_directory, name);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static MaxMindDbBuilder Networks(int recordSize, int ipVersion = 6) =>
        new MaxMindDbBuilder(recordSize, ipVersion)
            .Add("10.0.0.0/8", "FR")
            .Add("10.1.0.0/16", "DE")
            .Add("192.0.2.128/25", "JP", registeredOnly: true)
            .Add("2001:db8::/32", "NL");

    [Theory]
    [InlineData(24, "10.9.8.7", "FR")]
    [InlineData(24, "10.1.2.3", "DE")]
    [InlineData(24, "192.0.2.200", "JP")]
    [InlineData(24, "192.0.2.100", null)]
    [InlineData(24, "2001:db8:1::5", "NL")]
    [InlineData(24, "2001:db9::5", null)]
    [InlineData(24, "::ffff:10.1.0.1", "DE")]
    [InlineData(28, "10.1.2.3", "DE")]
    [InlineData(28, "2001:db8:1::5", "NL")]
    [InlineData(32, "10.9.8.7", "FR")]
    [InlineData(32, "192.0.2.200", "JP")]
    [InlineData(32, "11.0.0.1", null)]
    public void CountryOf_BuiltIpv6Database_MostSpecificNetwork(int recordSize, string address, string? country)
    {
        var database = MaxMindCountryDatabase.Parse(Networks(recordSize).Build(), "test.mmdb");

        Assert.Equal(country, database.CountryOf(IPAddress.Parse(address)));
    }

    [Fact]
    public void CountryOf_Ipv4Database_Ipv6AddressesAreUnknown()
    {
        var database = MaxMindCountryDatabase.Parse(
            new MaxMindDbBuilder(24, ipVersion: 4).Add("10.0.0.0/8", "FR").Build(), "v4.mmdb");

        Assert.Equal("FR", database.CountryOf(IPAddress.Parse("10.200.0.1")));
        Assert.Null(database.CountryOf(IPAddress.Parse("2001:db8::1")));
    }

    [Fact]
    public void CountryEntries_WithTheDatabase_MatchThroughTheAccessLists()
    {
        var lists = new AccessLists(MaxMindCountryDatabase.Parse(Networks(24).Build(), "t.mmdb").CountryOf);
        lists[2].Add(new CountryAclEntry(permit: false, "de"));

        Assert.False(lists[2].Permits(IPAddress.Parse("10.1.0.9")));
        Assert.True(lists[2].Permits(IPAddress.Parse("10.9.0.9")));
    }

    [Fact]
    public void Parse_NotAMaxMindFile_OneLineNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => MaxMindCountryDatabase.Parse(new byte[100], "GeoIP.dat"));

        Assert.StartsWith("'GeoIP.dat' is not a usable MaxMind DB file: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_TreeLargerThanTheFile_IsRefused()
    {
        var file = Networks(24).Build();
        var marker = file.AsSpan().LastIndexOf("MaxMind.com"u8) - 3;
        var cut = file[(marker - 10)..];

        var error = Assert.Throws<ArgumentException>(() => MaxMindCountryDatabase.Parse(cut, "cut.mmdb"));

        Assert.StartsWith("'cut.mmdb' is not a usable MaxMind DB file: ", error.Message);
    }

    [Fact]
    public void Open_Directory_PrefersTheMaxMindFile()
    {
        File.WriteAllBytes(Path("GeoLite2-Country.mmdb"), Networks(24).Build());

        Assert.Equal("DE", CountryDatabases.Open(_directory)(IPAddress.Parse("10.1.1.1")));
        Assert.Equal("NL", CountryDatabases.Open(Path("GeoLite2-Country.mmdb"))(IPAddress.Parse("2001:db8::1")));
    }

    [Fact]
    public void Open_MissingPathOrEmptyDirectory_OneLineNamingIt()
    {
        var missing = Assert.Throws<ArgumentException>(() => CountryDatabases.Open(Path("nope")));
        var empty = Assert.Throws<ArgumentException>(() => CountryDatabases.Open(_directory));

        Assert.Equal($"geoip_path: no such file or directory '{Path("nope")}'", missing.Message);
        Assert.Equal(
            $"geoip_path: no GeoIP2-Country.mmdb, GeoLite2-Country.mmdb, GeoIP.dat or GeoIPv6.dat in '{_directory}'",
            empty.Message);
    }

    [Fact]
    public void CountryLookup_NothingUntilADatabaseIsChosen()
    {
        var lookup = new CountryLookup();
        Assert.Null(lookup.CountryOf(IPAddress.Parse("10.1.1.1")));

        lookup.Use(MaxMindCountryDatabase.Parse(Networks(24).Build(), "t.mmdb").CountryOf);

        Assert.Equal("DE", lookup.CountryOf(IPAddress.Parse("10.1.1.1")));
    }

    /// <summary>Found by fuzzing: 15 maps of 8 entries, each entry pointing to the next map, is 8^15 values from a
    /// 500-byte file; opening it never returned.</summary>
    [Fact]
    public async Task Parse_SharedSubtreesInTheMetadata_RefusedInsteadOfExpandingForever()
    {
        const int maps = 15, entries = 8, mapLength = 1 + 4 * entries, text = maps * mapLength;
        byte[] Pointer(int to) => [(byte)(0x20 | (to >> 8 & 7)), (byte)to];
        var metadata = new List<byte>();
        for (var level = 0; level < maps; level++)
        {
            metadata.Add(0xE0 | entries);
            var next = level < maps - 1 ? (level + 1) * mapLength : text;
            for (var i = 0; i < entries; i++) metadata.AddRange([.. Pointer(text), .. Pointer(next)]);
        }
        byte[] file = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8, .. metadata, 0x41, (byte)'a'];

        var parse = Task.Run(() => Assert.Throws<ArgumentException>(() => MaxMindCountryDatabase.Parse(file, "bomb.mmdb")));

        var error = await parse.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("'bomb.mmdb' is not a usable MaxMind DB file: ", error.Message);
    }

    /// <summary>Found by fuzzing: a map that claims 16 million entries in a few bytes reserved memory for all of them
    /// before finding that the file ends.</summary>
    [Fact]
    public void Parse_HugeCountInATinyFile_ReservesNoMoreThanTheFileHolds()
    {
        byte[] file = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8, 0xFF, 0xFF, 0xFF, 0xFF];

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ArgumentException>(() => MaxMindCountryDatabase.Parse(file, "huge.mmdb"));

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1024 * 1024);
    }
}
