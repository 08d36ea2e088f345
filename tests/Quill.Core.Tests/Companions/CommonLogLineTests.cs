using Quill.Core.Companions;
using Xunit;

namespace Quill.Core.Tests.Companions;

public class CommonLogLineTests
{
    private const string Nginx = "127.0.0.1 - - [26/Nov/2026:03:18:06 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.5\"";

    [Fact]
    public void Parse_NginxLine_SplitsLikeMergelogs()
    {
        var line = CommonLogLine.Parse(Nginx)!;

        Assert.Equal("127.0.0.1", line.Client);
        Assert.Equal("- - ", line.BeforeTime);
        Assert.Equal("26/Nov/2026:03:18:06 +0000", line.TimeText);
        Assert.Equal(" ", line.BeforeRequest);
        Assert.Equal("GET / HTTP/1.1", line.Request);
        Assert.Equal(" 200 615 \"-\" \"curl/8.5\"", line.Rest);
    }

    [Theory]
    [InlineData("26/Nov/2026:03:18:06 +0000", 1795663086)]
    [InlineData("26/Nov/2026:04:18:06 +0100", 1795663086)]
    [InlineData("26/Nov/2026:01:48:06 -0130", 1795663086)]
    public void UnixSeconds_AppliesTheZone(string time, long expected)
    {
        var line = CommonLogLine.Parse($"h - - [{time}] \"GET /\" 200")!;

        Assert.Equal(expected, line.UnixSeconds);
    }

    [Theory]
    [InlineData("bogus line")]
    [InlineData("h - - [26/Nov/2026:03:18:06 +0000] \"GET /\"")]
    [InlineData("h - - [26/Nov/2026:03:18:06 +0000] \"\" 200")]
    [InlineData("h [26/Nov/2026:03:18:06 +0000] \"GET /\" 200")]
    public void Parse_MissingPart_IsNull(string text)
    {
        Assert.Null(CommonLogLine.Parse(text));
    }

    [Fact]
    public void Render_ReplacesClientAndTime()
    {
        var line = CommonLogLine.Parse(Nginx)!;

        Assert.Equal("10.0.0.1 - - [26/Nov/2026:03:18:07 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.5\"", line.Render("10.0.0.1", 1795663087));
    }
}
