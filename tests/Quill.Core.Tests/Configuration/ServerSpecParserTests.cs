using Xunit;
using Quill.Core.Configuration;

namespace Quill.Core.Tests.Configuration;

public class ServerSpecParserTests
{
    private static ServerSpec Parse(string text, int? listenPort = 8080)
    {
        Assert.True(ServerSpecParser.TryParse(text, listenPort, FakeServices.Lookup, out var spec, out var error), error);
        return spec!;
    }

    private static string Fail(string text, int? listenPort = 8080)
    {
        Assert.False(ServerSpecParser.TryParse(text, listenPort, FakeServices.Lookup, out var spec, out var error));
        Assert.Null(spec);
        return error;
    }

    [Fact]
    public void TryParse_AllFields_Work()
    {
        Assert.Equal(new ServerSpec("10.0.0.1:81:5:6:7:8", "10.0.0.1", 81, null, 5, 6, 7, 8), Parse("10.0.0.1:81:5:6:7:8"));
    }

    [Theory]
    [InlineData("mailhost3", "mailhost3", 8080)]
    [InlineData("mailhost3:", "mailhost3", 8080)]
    [InlineData("mailhost1:smtp", "mailhost1", 25)]
    [InlineData("127.0.0.1:80", "127.0.0.1", 80)]
    [InlineData("[::1]", "::1", 8080)]
    [InlineData("[::1]:", "::1", 8080)]
    [InlineData("[::1]:81", "::1", 81)]
    [InlineData("[2001:db8::1]:http", "2001:db8::1", 80)]
    public void TryParse_HostAndPort_Work(string text, string host, int port)
    {
        var spec = Parse(text);

        Assert.Equal(new ServerSpec(text, host, port, null), spec);
        Assert.False(spec.IsUnix);
    }

    [Fact]
    public void TryParse_EmptyPortWithLimits_UsesListenPort()
    {
        Assert.Equal(new ServerSpec("127.0.0.1::3", "127.0.0.1", 9000, null, Soft: 3), Parse("127.0.0.1::3", 9000));
    }

    [Fact]
    public void TryParse_EmptyNumericFields_AreZero()
    {
        Assert.Equal(new ServerSpec("h:1:::4:", "h", 1, null, Weight: 4), Parse("h:1:::4:"));
    }

    [Fact]
    public void TryParse_BracketedWithLimits_Work()
    {
        Assert.Equal(new ServerSpec("[::1]:81:1:2:3:4", "::1", 81, null, 1, 2, 3, 4), Parse("[::1]:81:1:2:3:4"));
    }

    [Fact]
    public void TryParse_UnixPath_Works()
    {
        var spec = Parse("/tmp/backend.sock");

        Assert.Equal(new ServerSpec("/tmp/backend.sock", null, 0, "/tmp/backend.sock"), spec);
        Assert.True(spec.IsUnix);
    }

    [Fact]
    public void TryParse_UnixPathWithLimits_KeepsLimits()
    {
        Assert.Equal(new ServerSpec("/tmp/x.sock:80:5:6:7:8", null, 0, "/tmp/x.sock", 5, 6, 7, 8), Parse("/tmp/x.sock:80:5:6:7:8"));
    }

    [Fact]
    public void TryParse_UnixPathWhileListeningOnUnixSocket_Works()
    {
        Assert.Equal("/tmp/b", Parse("/tmp/b", listenPort: null).UnixPath);
    }

    [Fact]
    public void TryParse_ExplicitPortWhileListeningOnUnixSocket_Works()
    {
        Assert.Equal(81, Parse("h:81", listenPort: null).Port);
    }

    [Theory]
    [InlineData("h")]
    [InlineData("h:")]
    [InlineData("[::1]")]
    public void TryParse_PortOmittedWhileListeningOnUnixSocket_Fails(string text)
    {
        Assert.Equal(
            $"invalid server '{text}': no port given, and the listen address is a unix socket so there is no port to default to",
            Fail(text, listenPort: null));
    }

    [Theory]
    [InlineData("::1:80")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("2001:db8:1:2:3:4:5:6")]
    [InlineData("fe80::1:80:1")]
    public void TryParse_BareIPv6_SuggestsBrackets(string text)
    {
        Assert.Equal($"invalid server '{text}': an IPv6 address must be in brackets, e.g. '[::1]:80'", Fail(text));
    }

    [Theory]
    [InlineData("h:abc", "invalid server 'h:abc': unknown port 'abc'")]
    [InlineData("h:0", "invalid server 'h:0': port '0' out of range (1-65535)")]
    [InlineData("h:70000", "invalid server 'h:70000': port '70000' out of range (1-65535)")]
    [InlineData("h:80:x", "invalid server 'h:80:x': invalid soft limit 'x' (expected a whole number)")]
    [InlineData("h:80:1:-2", "invalid server 'h:80:1:-2': invalid hard limit '-2' (expected a whole number)")]
    [InlineData("h:80:1:2:3.5", "invalid server 'h:80:1:2:3.5': invalid weight '3.5' (expected a whole number)")]
    [InlineData("h:80:1:2:3:p", "invalid server 'h:80:1:2:3:p': invalid prio 'p' (expected a whole number)")]
    [InlineData("h:80:1:2:3:4:5", "invalid server 'h:80:1:2:3:4:5': too many fields (host:port:soft:hard:weight:prio)")]
    [InlineData("", "invalid server '': empty host")]
    [InlineData(":80", "invalid server ':80': empty host")]
    [InlineData("h:1:2:3:4:5:6:7", "invalid server 'h:1:2:3:4:5:6:7': too many fields (host:port:soft:hard:weight:prio)")]
    [InlineData("[]:80", "invalid server '[]:80': empty host")]
    [InlineData("[::1", "invalid server '[::1': missing ']'")]
    [InlineData("[::1]80", "invalid server '[::1]80': expected ':' after ']' but found '80'")]
    [InlineData("h]:80", "invalid server 'h]:80': misplaced bracket in host 'h]'")]
    [InlineData("/tmp/s:zz", "invalid server '/tmp/s:zz': unknown port 'zz'")]
    public void TryParse_Invalid_NamesSpec(string text, string expected)
    {
        Assert.Equal(expected, Fail(text));
    }

    [Fact]
    public void TryParse_Role_NamesTheRoleInTheError()
    {
        Assert.False(ServerSpecParser.TryParse("h:x", 80, FakeServices.Lookup, out _, out var error, "emergency server (-e)"));

        Assert.Equal("invalid emergency server (-e) 'h:x': unknown port 'x'", error);
    }
}
