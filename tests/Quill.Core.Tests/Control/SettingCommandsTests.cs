using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Control;

public class SettingCommandsTests
{
    [Theory]
    [InlineData("blacklist", "30\n")]
    [InlineData("timeout", "5\n")]
    [InlineData("tracking", "0\n")]
    [InlineData("clients_max", "2048\n")]
    [InlineData("conn_max", "4\n")]
    [InlineData("debug", "0\n")]
    [InlineData("client_acl", "0\n")]
    [InlineData("control_acl", "0\n")]
    public void Query_RepliesTheValue(string command, string reply)
    {
        Assert.Equal(reply, new DispatcherFixture().Run(command));
    }

    [Fact]
    public void Blacklist_SetsTheSelectorsTime()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("40\n", fixture.Run("blacklist 40"));
        Assert.Equal(40, fixture.Selection.Settings.BlacklistSeconds);
    }

    [Fact]
    public void Timeout_SetsTheConnectTimeout()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("7\n", fixture.Run("timeout 7"));
        Assert.Equal(7, fixture.Settings.ConnectTimeoutSeconds);
    }

    [Fact]
    public void Timeout_Zero_IsRefused()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("timeout: connect timeout must be at least 1 second\n", fixture.Refuse("timeout 0"));
        Assert.Equal(5, fixture.Settings.ConnectTimeoutSeconds);
    }

    [Fact]
    public void Tracking_SetsTheClientTable()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("5\n", fixture.Run("tracking 5"));
        Assert.Equal(5, fixture.Selection.Clients.TrackingSeconds);
    }

    [Fact]
    public void ClientsMax_OnlyGrows()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("2048\n", fixture.Run("clients_max 10"));
        Assert.Equal("5000\n", fixture.Run("clients_max 5000"));
        Assert.Equal(5000, fixture.Selection.Clients.Capacity);
    }

    [Fact]
    public void ConnMax_OnlyGrows()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("4\n", fixture.Run("conn_max 2"));
        Assert.Equal("600\n", fixture.Run("conn_max 600"));
        Assert.Equal(600, fixture.Runtime.ConnectionsMax);
    }

    [Fact]
    public void Debug_SetsTheLevel()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("3\n", fixture.Run("debug 3"));
        Assert.Equal(3, fixture.Runtime.DebugLevel);
    }

    [Fact]
    public void ClientAcl_AndControlAcl_AreSet()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("3\n", fixture.Run("client_acl 3"));
        Assert.Equal("9\n", fixture.Run("control_acl 9"));
        Assert.Equal(3, fixture.Settings.ClientAcl);
        Assert.Equal(9, fixture.Settings.ControlAcl);
    }

    [Theory]
    [InlineData("blacklist x", "blacklist: invalid number 'x'\n")]
    [InlineData("blacklist -1", "blacklist: invalid number '-1'\n")]
    [InlineData("tracking 5s", "tracking: invalid number '5s'\n")]
    [InlineData("clients_max 1 2", "clients_max: unexpected argument '2'\n")]
    [InlineData("conn_max many", "conn_max: invalid number 'many'\n")]
    [InlineData("debug 99999999999", "debug: invalid number '99999999999'\n")]
    [InlineData("client_acl 12", "client_acl: ACL number 12 out of range 0-9\n")]
    [InlineData("control_acl 10", "control_acl: ACL number 10 out of range 0-9\n")]
    [InlineData("timeout 1.5", "timeout: invalid number '1.5'\n")]
    [InlineData("timeout 86401", "timeout: connect timeout must be at most 86400 seconds\n")]
    public void BadValue_IsRefusedAndChangesNothing(string command, string reply)
    {
        var fixture = new DispatcherFixture();
        var before = fixture.Snapshot();

        Assert.Equal(reply, fixture.Refuse(command));
        Assert.Equal(before, fixture.Snapshot());
    }

    [Fact]
    public void Ascii_IsKeptForWrite()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("ascii"));
        Assert.True(fixture.Settings.Ascii);
        Assert.Equal("", fixture.Run("no ascii"));
        Assert.False(fixture.Settings.Ascii);
    }

    [Theory]
    [InlineData("epoll")]
    [InlineData("poll")]
    [InlineData("select")]
    [InlineData("kqueue")]
    public void EventBackEnd_IsAcceptedAndChangesNothing(string command)
    {
        var fixture = new DispatcherFixture();
        var before = fixture.Snapshot();

        Assert.Equal("", fixture.Run(command));
        Assert.Equal(before, fixture.Snapshot());
    }

    [Fact]
    public void Timeout_StartsFromTheCommandLine()
    {
        Assert.Equal("9\n", new DispatcherFixture(new QuillOptions { ConnectTimeoutSeconds = 9 }).Run("timeout"));
    }
}
