using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;

namespace Quill.Net.Tests;

public sealed class EndPointResolverTests
{
    [Fact]
    public void ResolveListen_PortOnly_IsIPv4Wildcard()
    {
        var endPoint = EndPointResolver.ResolveListen(new ListenSpec("8080", "0.0.0.0", 8080, null));

        Assert.Equal(new IPEndPoint(IPAddress.Any, 8080), endPoint);
    }

    [Fact]
    public void ResolveListen_IPv6Literal_IsIPv6()
    {
        var endPoint = EndPointResolver.ResolveListen(new ListenSpec("::1:9000", "::1", 9000, null));

        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9000), endPoint);
    }

    [Fact]
    public void ResolveListen_HostName_TakesAddressFromHostsFile()
    {
        var endPoint = Assert.IsType<IPEndPoint>(EndPointResolver.ResolveListen(new ListenSpec("localhost:9000", "localhost", 9000, null)));

        Assert.True(IPAddress.IsLoopback(endPoint.Address));
        Assert.Equal(9000, endPoint.Port);
    }

    [Fact]
    public void ResolveListen_UnixPath_IsUnixEndPoint()
    {
        var endPoint = EndPointResolver.ResolveListen(new ListenSpec("/tmp/quill.sock", null, 0, "/tmp/quill.sock"));

        Assert.Equal("/tmp/quill.sock", Assert.IsType<UnixDomainSocketEndPoint>(endPoint).ToString());
    }

    [Fact]
    public void ResolveServer_IPv4AndBracketedIPv6()
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80),
            EndPointResolver.ResolveServer(new ServerSpec("10.0.0.2:80", "10.0.0.2", 80, null)));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 81),
            EndPointResolver.ResolveServer(new ServerSpec("[::1]:81", "::1", 81, null)));
    }

    [Fact]
    public void ResolveServer_UnixPath_IsUnixEndPoint()
    {
        var endPoint = EndPointResolver.ResolveServer(new ServerSpec("/run/backend.sock", null, 0, "/run/backend.sock"));

        Assert.IsType<UnixDomainSocketEndPoint>(endPoint);
    }

    [Fact]
    public void ResolveServer_Unresolvable_NamesTheSpecOnOneLine()
    {
        // Longer than any DNS name, so it fails without a query leaving the machine.
        var host = new string('a', 300);
        var text = host + ":80:10";

        var error = Assert.Throws<ArgumentException>(() => EndPointResolver.ResolveServer(new ServerSpec(text, host, 80, null, Soft: 10)));

        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ResolveListen_UnixPathTooLong_NamesTheSpec()
    {
        var path = "/tmp/" + new string('s', 200);

        var error = Assert.Throws<ArgumentException>(() => EndPointResolver.ResolveListen(new ListenSpec(path, null, 0, path)));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
