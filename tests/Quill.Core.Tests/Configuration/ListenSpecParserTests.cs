using Xunit;
using Quill.Core.Configuration;

namespace Quill.Core.Tests.Configuration;

public class ListenSpecParserTests
{
    private static ListenSpec Parse(string text)
    {
        Assert.True(ListenSpecParser.TryParse(text, FakeServices.Lookup, out var spec, out var error), error);
        return spec!;
    }

    private static string Fail(string text)
    {
        Assert.False(ListenSpecParser.TryParse(text, FakeServices.Lookup, out var spec, out var error));
        Assert.Null(spec);
        return error;
    }

    [Theory]
    [InlineData("8080", "0.0.0.0", 8080)]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000)]
    [InlineData("localhost:9000", "localhost", 9000)]
    [InlineData("::1:9000", "::1", 9000)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("[fe80::1%eth0]:1", "fe80::1%eth0", 1)]
    [InlineData("http", "0.0.0.0", 80)]
    [InlineData("127.0.0.1:smtp", "127.0.0.1", 25)]
    [InlineData("65535", "0.0.0.0", 65535)]
    public void TryParse_TcpForms_Work(string text, string host, int port)
    {
        var spec = Parse(text);

        Assert.Equal(new ListenSpec(text, host, port, UnixPath: null), spec);
        Assert.False(spec.IsUnix);
    }

    [Theory]
    [InlineData("/tmp/quill.sock")]
    [InlineData("sockets/quill")]
    public void TryParse_TextWithSlash_IsUnixSocket(string text)
    {
        var spec = Parse(text);

        Assert.Equal(new ListenSpec(text, Host: null, Port: 0, UnixPath: text), spec);
        Assert.True(spec.IsUnix);
    }

    [Theory]
    [InlineData("x:abc", "invalid listen address 'x:abc': unknown port 'abc'")]
    [InlineData("0", "invalid listen address '0': port '0' out of range (1-65535)")]
    [InlineData("65536", "invalid listen address '65536': port '65536' out of range (1-65535)")]
    [InlineData("99999999999", "invalid listen address '99999999999': port '99999999999' out of range (1-65535)")]
    [InlineData("bogus", "invalid listen address 'bogus': service 'bogus' has port 70000, out of range (1-65535)")]
    [InlineData("-5", "invalid listen address '-5': unknown port '-5'")]
    [InlineData("", "invalid listen address '': missing port")]
    [InlineData("host:", "invalid listen address 'host:': missing port")]
    [InlineData(":80", "invalid listen address ':80': empty host")]
    [InlineData("[]:80", "invalid listen address '[]:80': empty host")]
    [InlineData("[::1", "invalid listen address '[::1': missing ']'")]
    [InlineData("[::1]", "invalid listen address '[::1]': missing port after ']'")]
    [InlineData("[::1]9000", "invalid listen address '[::1]9000': expected ':' after ']' but found '9000'")]
    [InlineData("::1]:80", "invalid listen address '::1]:80': misplaced bracket in host '::1]'")]
    public void TryParse_Invalid_NamesSpec(string text, string expected)
    {
        Assert.Equal(expected, Fail(text));
    }
}
