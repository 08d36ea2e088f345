using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Core.Model;
using Xunit;

namespace Quill.Core.Tests.Model;

public sealed class ServerStateTests
{
    private static readonly ServerSpec Spec = new("127.0.0.1:80:5:7:100:2", "127.0.0.1", 80, null, 5, 7, 100, 2);

    [Fact]
    public void Constructor_CopiesLimitsFromSpec()
    {
        var server = new ServerState(Spec, new IPEndPoint(IPAddress.Loopback, 80));

        Assert.Equal((5, 7, 100, 2), (server.Soft, server.Hard, server.Weight, server.Prio));
        Assert.Equal(80, server.Port);
        Assert.Equal(0, server.Connections);
        Assert.Equal(0, server.Status);
        Assert.True(server.IsUsed);
    }

    [Fact]
    public void Port_UnixServer_ShowsOne()
    {
        var spec = new ServerSpec("/tmp/s", null, 0, "/tmp/s");

        Assert.Equal(1, new ServerState(spec, new UnixDomainSocketEndPoint("/tmp/s")).Port);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void IsUsed_WildcardAddress_IsUnusedSlot(string address) =>
        Assert.False(new ServerState(Spec, new IPEndPoint(IPAddress.Parse(address), 80)).IsUsed);
}
