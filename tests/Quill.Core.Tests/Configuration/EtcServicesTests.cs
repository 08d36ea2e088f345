using Xunit;
using Quill.Core.Configuration;

namespace Quill.Core.Tests.Configuration;

public sealed class EtcServicesTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"quill-services-{Guid.NewGuid():N}");

    public EtcServicesTests() => File.WriteAllLines(_path,
    [
        "# Network services, Internet style",
        "",
        "smtp\t\t25/tcp\t\tmail",
        "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP",
        "http  8080/tcp",
        "syslog\t\t514/udp",
        "broken\t\tnot-a-port/tcp",
        "noproto\t\t99",
        "   # indented comment 1/tcp",
        "both 53/udp",
        "both 54/tcp",
    ]);

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData("smtp", 25)]
    [InlineData("mail", 25)]
    [InlineData("http", 80)]
    [InlineData("www", 80)]
    [InlineData("both", 54)]
    public void Load_Tcp_FindsNamesAndAliases(string name, int port)
    {
        var lookup = EtcServices.Load(_path, "tcp");

        Assert.Equal(port, lookup(name));
    }

    [Theory]
    [InlineData("syslog")]
    [InlineData("broken")]
    [InlineData("noproto")]
    [InlineData("HTTP")]
    [InlineData("WorldWideWeb")]
    [InlineData("#")]
    public void Load_Tcp_UnknownOrOtherProtocol_IsNull(string name)
    {
        var lookup = EtcServices.Load(_path, "tcp");

        Assert.Null(lookup(name));
    }

    [Fact]
    public void Load_Udp_UsesUdpEntries()
    {
        var lookup = EtcServices.Load(_path, "udp");

        Assert.Equal(514, lookup("syslog"));
        Assert.Equal(53, lookup("both"));
        Assert.Null(lookup("smtp"));
    }

    [Fact]
    public void Load_MissingFile_KnowsNoNames()
    {
        var lookup = EtcServices.Load(_path + ".missing", "tcp");

        Assert.Null(lookup("http"));
    }
}
