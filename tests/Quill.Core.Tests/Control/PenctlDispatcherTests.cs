using Xunit;

namespace Quill.Core.Tests.Control;

public class PenctlDispatcherTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("# a comment")]
    [InlineData("#servers")]
    [InlineData("no")]
    public void Execute_NothingToDo_RepliesNothing(string line)
    {
        Assert.Equal("", new DispatcherFixture().Run(line));
    }

    [Theory]
    [InlineData("frobnicate 3", "do_cmd: ignoring command starting with 'frobnicate'\n")]
    [InlineData("Mode", "do_cmd: ignoring command starting with 'Mode'\n")]
    [InlineData("block", "do_cmd: ignoring command starting with 'block'\n")]
    [InlineData("no frob", "do_cmd: ignoring command starting with 'no frob'\n")]
    public void Execute_Unknown_RepliesLikePen(string line, string reply)
    {
        Assert.Equal(reply, new DispatcherFixture().Refuse(line));
    }

    [Fact]
    public void Execute_OnlyFirstLineCounts()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("no hash no roundrobin no stubborn no weight no prio\n", fixture.Run("mode\nservers\n"));
        Assert.Equal("30\n", fixture.Run("blacklist\r\ntimeout"));
    }

    /// <summary>Found by fuzzing: "ssl_sni_path a\0b" threw out of the dispatcher (a NUL cannot be in a path), which
    /// stopped a start from -o or -F with a stack trace. pen reads commands as C strings, so a NUL ends the line.</summary>
    [Fact]
    public void Execute_NulEndsTheLine()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("ssl_sni_path /certs\0/etc"));
        Assert.Equal("/certs", fixture.Settings.SniDirectory);
        Assert.Equal("40\n", fixture.Run("blacklist 40\0 50"));
    }

    [Fact]
    public void Execute_RepeatedSpaces_AreOneSeparator()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("40\n", fixture.Run("  blacklist    40 "));
    }

    [Fact]
    public void Execute_TabIsNotASeparator()
    {
        Assert.Equal("do_cmd: ignoring command starting with 'blacklist\t40'\n", new DispatcherFixture().Refuse("blacklist\t40"));
    }
}
