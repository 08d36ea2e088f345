using Quill.Core.Control;
using Quill.Core.Proxy;
using Xunit;

namespace Quill.Core.Tests.Control;

/// <summary>proxy, server N proxy, accept_proxy and accept_proxy_timeout: replies, refusals that change nothing, and write.</summary>
public class ProxyCommandsTests
{
    [Fact]
    public void Proxy_SetsTheDefaultAndRepliesWithIt()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("off\n", fixture.Run("proxy"));
        Assert.Equal("v2\n", fixture.Run("proxy v2"));
        Assert.Equal(ProxyVersion.V2, fixture.Settings.Proxy.Default);
        Assert.Equal("v1\n", fixture.Run("proxy v1"));
        Assert.Equal("off\n", fixture.Run("proxy off"));
    }

    [Theory]
    [InlineData("proxy v3", "proxy: expected v1, v2 or off, not 'v3'\n")]
    [InlineData("proxy v1 v2", "proxy: unexpected argument 'v2'\n")]
    [InlineData("accept_proxy 10", "accept_proxy: ACL number 10 out of range 0-9\n")]
    [InlineData("accept_proxy on", "accept_proxy: invalid number 'on'\n")]
    [InlineData("accept_proxy_timeout 99", "accept_proxy_timeout: 99 ms out of range 100-60000\n")]
    [InlineData("accept_proxy_timeout x", "accept_proxy_timeout: invalid number 'x'\n")]
    [InlineData("server 1 proxy v9", "server: proxy expects v1, v2, off or default, not 'v9'\n")]
    [InlineData("server 1 weight 3 proxy", "server: missing value after 'proxy'\n")]
    public void BadInput_OneErrorLine_NothingChanged(string command, string error)
    {
        var fixture = new DispatcherFixture();
        var before = fixture.Snapshot();

        Assert.Equal(error, fixture.Refuse(command));
        Assert.Equal(before, fixture.Snapshot());
        Assert.Equal((ProxyVersion.Off, ProxySettings.Off, 3000),
            (fixture.Settings.Proxy.Default, fixture.Settings.Proxy.AcceptAcl, fixture.Settings.Proxy.TimeoutMilliseconds));
        Assert.Null(fixture.Selection.Table[1]!.Proxy);
    }

    [Fact]
    public void ServerProxy_OverridesTheDefaultForThatServerOnly()
    {
        var fixture = new DispatcherFixture();

        fixture.Run("server 1 proxy v1 weight 4");

        Assert.Equal(ProxyVersion.V1, fixture.Selection.Table[1]!.Proxy);
        Assert.Equal(4, fixture.Selection.Table[1]!.Weight);
        Assert.Null(fixture.Selection.Table[0]!.Proxy);
    }

    [Fact]
    public void ServerProxyDefault_DropsTheServersOwnValue_AndWriteNoLongerNamesIt()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("proxy v2");
        fixture.Run("server 1 proxy off weight 4");

        fixture.Run("server 1 proxy default");

        Assert.Null(fixture.Selection.Table[1]!.Proxy);
        Assert.Equal(4, fixture.Selection.Table[1]!.Weight);
        Assert.DoesNotContain("proxy off", ConfigWriter.Write(fixture.Dispatcher.Context, "quill.cfg"), StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptProxy_AclThenOff()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("off\n", fixture.Run("accept_proxy"));
        Assert.Equal("3\n", fixture.Run("accept_proxy 3"));
        Assert.Equal(3, fixture.Settings.Proxy.AcceptAcl);
        Assert.Equal("off\n", fixture.Run("accept_proxy off"));
        Assert.Equal(ProxySettings.Off, fixture.Settings.Proxy.AcceptAcl);
        Assert.Equal("500\n", fixture.Run("accept_proxy_timeout 500"));
    }

    [Fact]
    public void Write_ThenReadBack_KeepsEveryProxySetting()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("proxy v2");
        fixture.Run("server 2 proxy off");
        fixture.Run("accept_proxy 4");
        fixture.Run("accept_proxy_timeout 1500");
        var path = Path.Combine(Path.GetTempPath(), $"quill-{Guid.NewGuid():N}-proxy.cfg");
        try
        {
            fixture.Run($"write {path}");
            var copy = new DispatcherFixture(servers: 0);

            Assert.Equal([], ConfigFileReader.Run(copy.Dispatcher, path).Errors);
            Assert.Equal((ProxyVersion.V2, 4, 1500),
                (copy.Settings.Proxy.Default, copy.Settings.Proxy.AcceptAcl, copy.Settings.Proxy.TimeoutMilliseconds));
            Assert.Equal(ProxyVersion.Off, copy.Selection.Table[2]!.Proxy);
            Assert.Null(copy.Selection.Table[1]!.Proxy);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
