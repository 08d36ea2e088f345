using Quill.Core.Companions;
using Xunit;

namespace Quill.Core.Tests.Companions;

public class LogMergerTests
{
    private const string PenLog = """
        10.0.0.1 1795663086 127.0.0.1 GET / HTTP/1.1
        10.0.0.2 1795663087 127.0.0.2 GET / HTTP/1.1
        10.0.0.3 1795663090 127.0.0.1 GET /x HTTP/1.1
        10.0.0.4 1795663300 127.0.0.1 GET / HTTP/1.1

        """;

    private const string ServerA = """
        127.0.0.1 - - [26/Nov/2026:03:18:06 +0000] "GET / HTTP/1.1" 200 615
        127.0.0.1 - - [26/Nov/2026:03:18:10 +0000] "GET /x HTTP/1.1" 404 153
        bogus line
        127.0.0.1 - - [26/Nov/2026:03:21:39 +0000] "GET / HTTP/1.1" 200 615
        127.0.0.1 - - [26/Nov/2026:04:21:39 +0100] "GET /nomatch HTTP/1.1" 200 615

        """;

    private const string ServerB = """
        127.0.0.1 - - [26/Nov/2026:03:18:07 +0000] "GET / HTTP/1.1" 200 615

        """;

    private const string Expected = """
        10.0.0.1 - - [26/Nov/2026:03:18:06 +0000] "GET / HTTP/1.1" 200 615
        10.0.0.2 - - [26/Nov/2026:03:18:07 +0000] "GET / HTTP/1.1" 200 615
        10.0.0.3 - - [26/Nov/2026:03:18:10 +0000] "GET /x HTTP/1.1" 404 153
        10.0.0.4 - - [26/Nov/2026:03:21:39 +0000] "GET / HTTP/1.1" 200 615
        127.0.0.1 - - [26/Nov/2026:03:21:39 +0000] "GET /nomatch HTTP/1.1" 200 615

        """;

    private static string Merge(bool noCache = false)
    {
        var merger = new LogMerger(new StringReader(PenLog), [("127.0.0.1", new StringReader(ServerA)), ("127.0.0.2", new StringReader(ServerB))])
        {
            NoCache = noCache,
        };
        var output = new StringWriter { NewLine = "\n" };
        merger.Merge(output);
        return output.ToString();
    }

    [Fact]
    public void Merge_OrdersByTimeAndPutsRealClients()
    {
        Assert.Equal(Expected, Merge());
    }

    [Fact]
    public void Merge_WithoutCache_SameResult()
    {
        Assert.Equal(Expected, Merge(noCache: true));
    }

    [Fact]
    public void Merge_ClosestTimeWins()
    {
        // The last GET / at 03:21:39 is 213 s from 10.0.0.4's entry and 213+ s from 10.0.0.1's: 10.0.0.4 wins.
        var lines = Merge().Split('\n');

        Assert.StartsWith("10.0.0.4 ", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_EntryOlderThanJitter_IsForgotten_ServerAddressStandsIn()
    {
        const string twoRequests = """
            127.0.0.1 - - [26/Nov/2026:03:18:07 +0000] "GET / HTTP/1.1" 200 615
            127.0.0.1 - - [26/Nov/2026:03:28:07 +0000] "GET / HTTP/1.1" 200 615

            """;
        var output = new StringWriter();

        new LogMerger(new StringReader("10.0.0.2 1795663087 127.0.0.2 GET / HTTP/1.1\n"), [("127.0.0.2", new StringReader(twoRequests))])
        {
            JitterSeconds = 2,
        }.Merge(output);

        var lines = output.ToString().Split('\n');
        Assert.StartsWith("10.0.0.2 ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.2 ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_ZoneSeconds_ShiftsTheBalancerClock()
    {
        var output = new StringWriter();

        new LogMerger(new StringReader("10.0.0.2 1795666687 127.0.0.2 GET / HTTP/1.1\n"), [("127.0.0.2", new StringReader(ServerB))])
        {
            JitterSeconds = 2,
            ZoneSeconds = 3600,
        }.Merge(output);

        Assert.StartsWith("10.0.0.2 ", output.ToString(), StringComparison.Ordinal);
    }
}
