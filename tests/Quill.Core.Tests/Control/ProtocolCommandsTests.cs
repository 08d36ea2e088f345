using System.Net;
using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Control;

public class ProtocolCommandsTests
{
    [Fact]
    public void Switches_SetAndClear()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("http"));
        Assert.Equal("", fixture.Run("tcp_nodelay"));
        Assert.Equal("", fixture.Run("keepalive"));
        Assert.True(fixture.Settings.HttpHeaders && fixture.Settings.TcpNoDelay && fixture.Settings.KeepAlive);
        Assert.Equal("", fixture.Run("no http"));
        Assert.Equal("", fixture.Run("no tcp_nodelay"));
        Assert.Equal("", fixture.Run("no keepalive"));
        Assert.False(fixture.Settings.HttpHeaders || fixture.Settings.TcpNoDelay || fixture.Settings.KeepAlive);
    }

    [Fact]
    public void HttpFlag_StartsOn()
    {
        Assert.True(new DispatcherFixture(new QuillOptions { HttpHeaders = true }).Settings.HttpHeaders);
    }

    [Fact]
    public void IdleTimeout_RepliesLikePen()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("Idle timeout: 0 seconds\n", fixture.Run("idle_timeout"));
        Assert.Equal("Idle timeout: 30 seconds\n", fixture.Run("idle_timeout 30"));
        Assert.Equal(30, fixture.Settings.IdleTimeoutSeconds);
        Assert.Equal("idle_timeout: invalid number 'x'\n", fixture.Refuse("idle_timeout x"));
    }

    [Fact]
    public void Source_SetsOrClearsWithPensReply()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("source 127.0.0.9"));
        Assert.Equal(IPAddress.Parse("127.0.0.9"), fixture.Settings.SourceAddress);
        Assert.Equal("unable to set source address to 'nowhere'\n", fixture.Refuse("source nowhere"));
        Assert.Equal(IPAddress.Parse("127.0.0.9"), fixture.Settings.SourceAddress);
    }

    /// <summary>pen crashes on a bare <c>source</c>.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("127.0.0.9")]
    public void Source_WithoutAddress_IsRefusedAndChangesNothing(string? before)
    {
        var fixture = new DispatcherFixture();
        if (before is not null) fixture.Run($"source {before}");

        Assert.Equal("source: missing address\n", fixture.Refuse("source"));
        Assert.Equal(before, fixture.Settings.SourceAddress?.ToString());
    }

    [Theory]
    [InlineData("tcp_fastclose up", FastClose.Up)]
    [InlineData("tcp_fastclose down", FastClose.Down)]
    [InlineData("tcp_fastclose both", FastClose.Both)]
    [InlineData("tcp_fastclose off", FastClose.Off)]
    public void FastClose_SetsTheSide(string command, FastClose expected)
    {
        var fixture = new DispatcherFixture();
        fixture.Settings.FastClose = expected == FastClose.Both ? FastClose.Off : FastClose.Both;

        Assert.Equal("", fixture.Run(command));
        Assert.Equal(expected, fixture.Settings.FastClose);
    }

    [Theory]
    [InlineData("tcp_fastclose", "do_cmd: ignoring tcp_fastclose without argument\n")]
    [InlineData("tcp_fastclose sideways", "tcp_fastclose: expected up, down, both or off, not 'sideways'\n")]
    [InlineData("http on", "http: unexpected argument 'on'\n")]
    [InlineData("no keepalive now", "no keepalive: unexpected argument 'now'\n")]
    public void Refused_ChangesNothing(string command, string reply)
    {
        var fixture = new DispatcherFixture();
        var before = fixture.Snapshot();

        Assert.Equal(reply, fixture.Refuse(command));
        Assert.Equal(before, fixture.Snapshot());
    }

    [Fact]
    public void GeoIpPath_IsKeptForTheStart_AndNoArgumentClearsIt()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("geoip_path /var/lib/GeoIP"));
        Assert.Equal("/var/lib/GeoIP", fixture.Settings.GeoIpPath);
        Assert.Equal("geoip_path: unexpected argument 'b'\n", fixture.Refuse("geoip_path a b"));
        Assert.Equal("", fixture.Run("geoip_path"));
        Assert.Null(fixture.Settings.GeoIpPath);
    }
}
