using Quill.Core.Companions;
using Xunit;

namespace Quill.Core.Tests.Companions;

public class PenlogdMatcherTests
{
    private const string WebA = "127.0.0.1 - - [26/Nov/2026:04:50:53 +0000] \"GET /a HTTP/1.1\" 200 615";

    [Fact]
    public void Rewrite_MatchingEntry_PutsRealClientFirst()
    {
        var matcher = new PenlogdMatcher(10);
        Assert.True(matcher.Remember("+ 10.1.2.3 127.0.0.1 GET /a HTTP/1.1\n"));

        Assert.Equal("10.1.2.3 - - [26/Nov/2026:04:50:53 +0000] \"GET /a HTTP/1.1\" 200 615", matcher.Rewrite("127.0.0.1", WebA));
    }

    [Fact]
    public void Rewrite_NewestEntryWins_AndEntriesAreKept()
    {
        var matcher = new PenlogdMatcher(10);
        matcher.Remember("+ 10.1.2.3 127.0.0.1 GET /a HTTP/1.1");
        matcher.Remember("+ 10.1.2.4 127.0.0.1 GET /a HTTP/1.1");

        Assert.StartsWith("10.1.2.4 ", matcher.Rewrite("127.0.0.1", WebA), StringComparison.Ordinal);
        Assert.StartsWith("10.1.2.4 ", matcher.Rewrite("127.0.0.1", WebA), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.2", WebA)]
    [InlineData("127.0.0.1", "127.0.0.1 - - [x] \"GET /a HTTP/1.1 extra\" 200")]
    public void Rewrite_NoMatch_LineUnchanged(string server, string line)
    {
        var matcher = new PenlogdMatcher(10);
        matcher.Remember("+ 10.1.2.3 127.0.0.1 GET /a HTTP/1.1");

        Assert.Equal(line, matcher.Rewrite(server, line));
    }

    [Fact]
    public void Rewrite_WebRequestIsPrefixOfEntry_Matches()
    {
        var matcher = new PenlogdMatcher(10);
        matcher.Remember("+ 10.1.2.3 127.0.0.1 GET /a HTTP/1.1");

        Assert.StartsWith("10.1.2.3 ", matcher.Rewrite("127.0.0.1", "h - - [x] \"GET /\" 200"), StringComparison.Ordinal);
    }

    [Fact]
    public void Rewrite_NoQuotedRequest_IsNull()
    {
        Assert.Null(new PenlogdMatcher(10).Rewrite("127.0.0.1", "noquote line here"));
    }

    [Fact]
    public void Remember_RingForgetsOldest()
    {
        var matcher = new PenlogdMatcher(1);
        matcher.Remember("+ 10.1.2.3 127.0.0.1 GET /a HTTP/1.1");
        matcher.Remember("+ 10.1.2.4 127.0.0.2 GET /b HTTP/1.1");

        Assert.Equal(WebA, matcher.Rewrite("127.0.0.1", WebA));
    }
}
