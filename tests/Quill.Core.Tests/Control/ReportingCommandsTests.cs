using Xunit;

namespace Quill.Core.Tests.Control;

public class ReportingCommandsTests
{
    [Fact]
    public void Log_QueryWhenOff_RepliesNothing()
    {
        Assert.Equal("", new DispatcherFixture().Run("log"));
    }

    [Fact]
    public void Log_File_OpensItAndQueryRepliesTheTarget()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("log /var/log/quill.log"));
        Assert.Equal("/var/log/quill.log\n", fixture.Run("log"));
        Assert.Equal("", fixture.Run("no log"));
        Assert.Null(fixture.Runtime.LogTarget);
    }

    [Fact]
    public void Log_Unopenable_IsRefusedAndKeepsTheOldLog()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("log /tmp/a.log");

        Assert.Equal("log: cannot open '/nonexistent/quill.log': no such directory\n", fixture.Refuse("log /nonexistent/quill.log"));
        Assert.Equal("/tmp/a.log", fixture.Runtime.LogTarget);
    }

    [Fact]
    public void WebStats_SetQueryAndClear()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("web_stats"));
        Assert.Equal("", fixture.Run("web_stats /tmp/s.html"));
        Assert.Equal("/tmp/s.html\n", fixture.Run("web_stats"));
        Assert.Equal("", fixture.Run("no web_stats"));
        Assert.Null(fixture.Runtime.WebStatsFile);
    }

    [Fact]
    public void Status_WithoutWebStatsFile_RepliesThePage()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("<html>status</html>\n", fixture.Run("status"));
        Assert.Null(fixture.Runtime.WebStatsFile);
    }

    [Fact]
    public void Status_WithWebStatsFile_RepliesThePage()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("web_stats /tmp/s.html");

        Assert.Equal("<html>status</html>\n", fixture.Run("status"));
    }

    [Fact]
    public void Write_KeepsLogAndWebStats()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("log /tmp/a.log");
        fixture.Run("web_stats /tmp/s.html");

        var path = Path.Combine(Path.GetTempPath(), $"quill-reporting-{Guid.NewGuid():N}.cfg");
        try
        {
            Assert.Equal("", fixture.Run($"write {path}"));
            var lines = File.ReadAllLines(path);
            Assert.Contains("log /tmp/a.log", lines);
            Assert.Contains("web_stats /tmp/s.html", lines);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
