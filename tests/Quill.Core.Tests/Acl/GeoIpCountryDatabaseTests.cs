using Xunit;
using System.Net;
using Quill.Core.Acl;

namespace Quill.Core.Tests.Acl;

public sealed class GeoIpCountryDatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("quill-geoip-").FullName;

    private string Path(string name) => System.IO.Path.Combine(_directory, name);

    private GeoIpCountryDatabase Built()
    {
        new GeoIpDatabaseBuilder().Add("10.0.0.0/8", "DE").Add("10.1.0.0/16", "FR").Add("192.0.2.128/25", "JP")
            .Write(Path("v4.dat"), GeoIpCountryDatabase.CountryEdition);
        new GeoIpDatabaseBuilder().Add("2001:db8::/32", "NL")
            .Write(Path("v6.dat"), GeoIpCountryDatabase.CountryV6Edition);
        return GeoIpCountryDatabase.Open(Path("v4.dat"), Path("v6.dat"));
    }

    [Theory]
    [InlineData("10.2.3.4", "DE")]
    [InlineData("10.1.200.1", "FR")]
    [InlineData("10.255.255.255", "DE")]
    [InlineData("11.0.0.1", null)]
    [InlineData("192.0.2.200", "JP")]
    [InlineData("192.0.2.100", null)]
    [InlineData("::ffff:10.1.0.1", "FR")]
    [InlineData("2001:db8:1::5", "NL")]
    [InlineData("2001:db9::1", null)]
    public void CountryOf_BuiltDatabase_LongestPrefixWins(string address, string? country)
    {
        Assert.Equal(country, Built().CountryOf(IPAddress.Parse(address)));
    }

    [Fact]
    public void CountryEntries_WithTheDatabase_MatchThroughTheAccessLists()
    {
        var lists = new AccessLists(Built().CountryOf);
        lists[3].Add(new CountryAclEntry(permit: false, "fr"));
        lists[3].Add(new CountryAclEntry(permit: true, "DE"));

        Assert.False(lists[3].Permits(IPAddress.Parse("10.1.0.9")));
        Assert.True(lists[3].Permits(IPAddress.Parse("10.9.0.9")));
    }

    [Fact]
    public void Open_MissingFiles_NothingMatches()
    {
        var database = GeoIpCountryDatabase.Open(Path("none.dat"), null);

        Assert.Null(database.CountryOf(IPAddress.Parse("10.2.3.4")));
        Assert.Null(database.CountryOf(IPAddress.IPv6Loopback));
    }

    [Fact]
    public void Open_WrongEdition_OneLineNamingTheFile()
    {
        new GeoIpDatabaseBuilder().Write(Path("city.dat"), 2);

        var error = Assert.Throws<ArgumentException>(() => GeoIpCountryDatabase.Open(Path("city.dat"), null));
        Assert.Equal($"'{Path("city.dat")}' is not a GeoIP IPv4 country database (edition 2)", error.Message);
    }

    [Fact]
    public void CountryOf_TruncatedFile_ReturnsNullInsteadOfThrowing()
    {
        new GeoIpDatabaseBuilder().Add("10.1.0.0/16", "FR").Write(Path("v4.dat"), GeoIpCountryDatabase.CountryEdition);
        var bytes = File.ReadAllBytes(Path("v4.dat"));
        File.WriteAllBytes(Path("cut.dat"), [.. bytes[..12], 0xFF, 0xFF, 0xFF, GeoIpCountryDatabase.CountryEdition]);

        Assert.Null(GeoIpCountryDatabase.Open(Path("cut.dat"), null).CountryOf(IPAddress.Parse("10.1.2.3")));
    }

    /// <summary>Debian's geoip-database, when installed: well-known addresses land in the expected countries.</summary>
    [Theory]
    [InlineData("8.8.8.8", "US")]
    [InlineData("193.0.6.139", "NL")]
    [InlineData("133.11.0.1", "JP")]
    [InlineData("2001:4860:4860::8888", "US")]
    public void CountryOf_InstalledDebianDatabase_KnownAddresses(string address, string country)
    {
        if (!File.Exists(GeoIpCountryDatabase.DefaultIpv4Path)) return;

        Assert.Equal(country, GeoIpCountryDatabase.Open().CountryOf(IPAddress.Parse(address)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
