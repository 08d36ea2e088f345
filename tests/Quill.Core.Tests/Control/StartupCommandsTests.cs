using Xunit;
using Quill.Core.Configuration;
using Quill.Core.Control;

namespace Quill.Core.Tests.Control;

public class StartupCommandsTests
{
    private static readonly QuillOptions Defaults = new();

    private static QuillOptions Apply(string command, QuillOptions? options = null)
    {
        Assert.True(StartupCommands.TryApply(options ?? Defaults, command, out var applied, out var reason), reason);
        return applied;
    }

    private static string Refuse(string command)
    {
        Assert.False(StartupCommands.TryApply(Defaults, command, out var applied, out var reason));
        Assert.Same(Defaults, applied);
        return reason;
    }

    [Theory]
    [InlineData("prio", SelectionFlags.Prio)]
    [InlineData("weight", SelectionFlags.Weight)]
    [InlineData("hash", SelectionFlags.Hash)]
    [InlineData("roundrobin", SelectionFlags.RoundRobin)]
    [InlineData("stubborn", SelectionFlags.Stubborn)]
    public void TryApply_Mode_SetsAndClearsFlag(string mode, SelectionFlags flag)
    {
        var on = Apply(mode, Defaults with { Selection = SelectionFlags.Stubborn | SelectionFlags.Prio });
        var off = Apply("no " + mode, on);

        Assert.Equal(SelectionFlags.Stubborn | SelectionFlags.Prio | flag, on.Selection);
        Assert.Equal((SelectionFlags.Stubborn | SelectionFlags.Prio) & ~flag, off.Selection);
    }

    [Fact]
    public void TryApply_NoHash_AlsoDropsNoSave()
    {
        var options = Defaults with { Selection = SelectionFlags.Hash | SelectionFlags.NoSave | SelectionFlags.Weight };

        Assert.Equal(SelectionFlags.Weight, Apply("no hash", options).Selection);
    }

    [Fact]
    public void TryApply_Ascii_SetsAndClears()
    {
        Assert.True(Apply("ascii").Ascii);
        Assert.False(Apply("no ascii", Defaults with { Ascii = true }).Ascii);
    }

    [Fact]
    public void TryApply_Http_SetsAndClears()
    {
        Assert.True(Apply("http").HttpHeaders);
        Assert.False(Apply("no http", Defaults with { HttpHeaders = true }).HttpHeaders);
        Assert.Equal("unexpected argument 'on'", Refuse("http on"));
    }

    [Fact]
    public void TryApply_ConnectionSwitches_SetAndClear()
    {
        Assert.True(Apply("tcp_nodelay").TcpNoDelay);
        Assert.False(Apply("no tcp_nodelay", Defaults with { TcpNoDelay = true }).TcpNoDelay);
        Assert.True(Apply("keepalive").KeepAlive);
        Assert.False(Apply("no keepalive", Defaults with { KeepAlive = true }).KeepAlive);
    }

    [Theory]
    [InlineData("tcp_fastclose up", FastClose.Up)]
    [InlineData("tcp_fastclose down", FastClose.Down)]
    [InlineData("tcp_fastclose both", FastClose.Both)]
    [InlineData("tcp_fastclose off", FastClose.Off)]
    public void TryApply_FastClose_SetsWhichSide(string command, FastClose expected)
    {
        var before = expected == FastClose.Both ? FastClose.Off : FastClose.Both;

        Assert.Equal(expected, Apply(command, Defaults with { FastClose = before }).FastClose);
    }

    [Fact]
    public void TryApply_SourceAndFastCloseWithoutArgument_ChangeNothing()
    {
        Assert.Same(Defaults, Apply("source"));
        Assert.Same(Defaults, Apply("tcp_fastclose"));
        Assert.Equal(System.Net.IPAddress.Parse("127.0.0.9"), Apply("source 127.0.0.9").SourceAddress);
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, Apply("source ::1").SourceAddress);
        Assert.Equal("/etc/quill/sni", Apply("ssl_sni_path /etc/quill/sni").Tls.SniDirectory);
        Assert.Same(Defaults, Apply("ssl_sni_path"));
    }

    [Fact]
    public void TryApply_Settings_SetValues()
    {
        Assert.Equal(12, Apply("blacklist 12").BlacklistSeconds);
        Assert.Equal(0, Apply("blacklist 0").BlacklistSeconds);
        Assert.Equal(7, Apply("timeout 7").ConnectTimeoutSeconds);
        Assert.Equal(600, Apply("tracking 600").TrackingSeconds);
        Assert.Equal(2, Apply("debug 2", Defaults with { DebugLevel = 5 }).DebugLevel);
    }

    [Fact]
    public void TryApply_TableSizes_OnlyGrow()
    {
        Assert.Equal(5000, Apply("clients_max 5000").ClientsMax);
        Assert.Equal(2048, Apply("clients_max 10").ClientsMax);
        Assert.Equal(1000, Apply("conn_max 1000").ConnectionsMax);
        Assert.Equal(256, Apply("conn_max 5").ConnectionsMax);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("# a comment")]
    [InlineData("#hash")]
    [InlineData("no")]
    [InlineData("blacklist")]
    [InlineData("timeout")]
    [InlineData("clients_max")]
    public void TryApply_NoOpOrQuery_ChangesNothing(string command)
    {
        Assert.Same(Defaults, Apply(command));
    }

    [Fact]
    public void TryApply_RepeatedSpaces_AreHarmless()
    {
        Assert.Equal(9, Apply("  blacklist   9 ").BlacklistSeconds);
    }

    [Theory]
    [InlineData("timeout 0", "timeout must be at least 1")]
    [InlineData("blacklist x", "invalid number 'x'")]
    [InlineData("tracking -1", "invalid number '-1'")]
    [InlineData("debug 1 2", "unexpected argument '2'")]
    [InlineData("hash now", "unexpected argument 'now'")]
    [InlineData("no prio please", "unexpected argument 'please'")]
    [InlineData("blacklist\t9", "unknown command 'blacklist\t9'")]
    [InlineData("Hash", "unknown command 'Hash'")]
    [InlineData("frobnicate", "unknown command 'frobnicate'")]
    [InlineData("no frobnicate", "unknown command 'no frobnicate'")]
    [InlineData("no blacklist", "unknown command 'no blacklist'")]
    [InlineData("servers", "command not available yet")]
    [InlineData("server 0 address 127.0.0.1 port 80", "command not available yet")]
    [InlineData("acl 1 deny 10.0.0.1", "command not available yet")]
    [InlineData("mode", "command not available yet")]
    [InlineData("no http now", "unexpected argument 'now'")]
    [InlineData("no dummy", "command not available yet")]
    [InlineData("source host.example", "unable to set source address to 'host.example'")]
    [InlineData("tcp_fastclose sideways", "tcp_fastclose 'sideways': expected up, down, both or off")]
    [InlineData("tcp_fastclose up now", "unexpected argument 'now'")]
    [InlineData("keepalive 1", "unexpected argument '1'")]
    [InlineData("no acl 1", "command not available yet")]
    public void TryApply_Refused_SaysWhy(string command, string reason)
    {
        Assert.Equal(reason, Refuse(command));
    }
}
