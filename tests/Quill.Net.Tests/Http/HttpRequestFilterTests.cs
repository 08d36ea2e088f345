using System.Net;
using Quill.Net.Http;
using Quill.Net.Tests.Streams;

namespace Quill.Net.Tests.Http;

public sealed class HttpRequestFilterTests
{
    private static string Rewrite(string input, bool https = false, IPAddress? client = null) =>
        FilterRun.FeedEverySplit(input, () => new FilterRun(https, client));

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    [InlineData("PATCH")]
    [InlineData("PROPFIND")]
    public void OnClientData_AnyMethod_GetsBothHeadersBeforeTheEmptyLine(string method)
    {
        var output = Rewrite($"{method} /a HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(
            $"{method} /a HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n", output);
    }

    [Fact]
    public void OnClientData_ExistingForwardedFor_AppendsToTheLastOne()
    {
        var output = Rewrite("GET / HTTP/1.1\r\nx-forwarded-for: 10.0.0.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.2  \r\n\r\n");

        Assert.Equal(
            "GET / HTTP/1.1\r\nx-forwarded-for: 10.0.0.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.2, 192.0.2.7\r\n"
            + "X-Forwarded-Proto: http\r\n\r\n", output);
    }

    [Fact]
    public void OnClientData_EmptyForwardedFor_GetsTheAddressAlone()
    {
        Assert.Equal(
            "GET / HTTP/1.1\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n",
            Rewrite("GET / HTTP/1.1\r\nX-Forwarded-For:\r\n\r\n"));
    }

    [Fact]
    public void OnClientData_ClientSaysHttps_ItsProtoIsReplacedByWhatQuillSaw()
    {
        var output = Rewrite("GET / HTTP/1.1\r\nX-Forwarded-Proto: https\r\nHost: x\r\n\r\n");

        Assert.Equal("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n", output);
    }

    [Fact]
    public void OnClientData_Tls_ProtoIsHttps()
    {
        Assert.Contains("\r\nX-Forwarded-Proto: https\r\n\r\n", Rewrite("GET / HTTP/1.1\r\n\r\n", https: true));
    }

    [Fact]
    public void OnClientData_LfOnlyRequest_InsertedLinesEndWithLf()
    {
        Assert.Equal(
            "GET / HTTP/1.0\nHost: x\nX-Forwarded-For: 192.0.2.7\nX-Forwarded-Proto: http\n\n",
            Rewrite("GET / HTTP/1.0\nHost: x\n\n"));
    }

    [Fact]
    public void OnClientData_Ipv6AndMappedClients_WriteThePlainAddress()
    {
        Assert.Contains("X-Forwarded-For: 2001:db8::5\r\n", Rewrite("GET / HTTP/1.1\r\n\r\n", client: IPAddress.Parse("2001:db8::5")));
        Assert.Contains("X-Forwarded-For: 10.1.2.3\r\n", Rewrite("GET / HTTP/1.1\r\n\r\n", client: IPAddress.Parse("::ffff:10.1.2.3")));
    }

    [Fact]
    public void OnClientData_UnixClient_OnlyProto()
    {
        var run = new HttpRequestFilter(new ForwardedHeaders(null, https: false));
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        run.OnClientData("GET / HTTP/1.1\r\n\r\n"u8, output);

        Assert.Equal("GET / HTTP/1.1\r\nX-Forwarded-Proto: http\r\n\r\n", FilterRun.Text(output.WrittenSpan.ToArray()));
    }

    [Fact]
    public void OnClientData_PipelinedRequestsWithBodies_EveryHeadRewrittenEveryBodyExact()
    {
        const string lengthBody = "GET /inside HTTP/1.1\r\n\r\nX-Forwarded-For: evil\r\n\r\n";
        const string chunkedBody = "5;ext=1\r\nGET /\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: t\r\n\r\n";
        var input = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + $"POST /2 HTTP/1.1\r\nContent-Length: {lengthBody.Length}\r\n\r\n{lengthBody}"
                    + $"PUT /3 HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n{chunkedBody}"
                    + "\r\nHEAD /4 HTTP/1.1\r\n\r\n";

        var output = Rewrite(input);

        const string added = "X-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n";
        Assert.Equal(
            $"GET /1 HTTP/1.1\r\nHost: x\r\n{added}"
            + $"POST /2 HTTP/1.1\r\nContent-Length: {lengthBody.Length}\r\n{added}{lengthBody}"
            + $"PUT /3 HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n{added}{chunkedBody}"
            + $"\r\nHEAD /4 HTTP/1.1\r\n{added}", output);
    }

    [Fact]
    public void OnClientData_EachRequest_ReportsItsRequestLineOnce()
    {
        const string input = "GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcDELETE /3 HTTP/1.0\n\n";
        var bytes = FilterRun.Bytes(input);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var run = new FilterRun();
            run.Feed(bytes, split);
            Assert.Equal(["GET /1 HTTP/1.1", "POST /2 HTTP/1.1", "DELETE /3 HTTP/1.0"], run.RequestLines);
        }
    }

    [Fact]
    public void OnClientData_WithoutHeaders_OnlyFollowsRequests()
    {
        const string input = "GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        var run = new FilterRun(insert: false);

        Assert.Equal(input, FilterRun.Text(run.Feed(FilterRun.Bytes(input), 20)));
        Assert.Equal(["GET /1 HTTP/1.1", "POST /2 HTTP/1.1"], run.RequestLines);
    }

    [Fact]
    public void OnClientData_ExpectContinue_HeadGoesOnBeforeTheBodyArrives()
    {
        var run = new FilterRun();
        var head = run.Feed(FilterRun.Bytes("PUT /f HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
        var rest = run.Feed(FilterRun.Bytes("bodyGET / HTTP/1.1\r\n\r\n"));

        Assert.EndsWith("X-Forwarded-Proto: http\r\n\r\n", FilterRun.Text(head));
        Assert.StartsWith("body", FilterRun.Text(rest));
        Assert.EndsWith("X-Forwarded-Proto: http\r\n\r\n", FilterRun.Text(rest));
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\nGET / HTTP/1.1\r\n\r\n")]
    [InlineData("\u0016\u0003\u0001\u0000\u00a5GET / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/2.0\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("GET /\r\n\r\n")]
    [InlineData("HELO mail.example\r\n")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA GET / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1x\r\n\r\n")]
    [InlineData("GET / HTTP/1.1 x\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\rX\r\n\r\n")]
    public void OnClientData_NotHttpFromTheStart_PassesByteForByte(string input)
    {
        Assert.Equal(input, Rewrite(input));
    }

    [Fact]
    public void OnClientData_NotHttp_FirstBytesAreNotHeldBack()
    {
        var run = new FilterRun();
        Assert.Equal("\u0000\u0001", FilterRun.Text(run.Feed([0, 1])));
        Assert.Equal(0, run.Filter.HeldBytes);
    }

    [Fact]
    public void OnClientData_AfterUpgrade_RestPassesUntouched()
    {
        const string frames = "\u0081\u0085GET / HTTP/1.1\r\n\r\n";
        var output = Rewrite($"GET /ws HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n{frames}");

        Assert.Equal(
            "GET /ws HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
            + $"X-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n{frames}", output);
    }

    [Fact]
    public void OnClientData_UpgradeWithoutConnectionUpgrade_StaysHttp()
    {
        var output = Rewrite("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");

        Assert.EndsWith("GET /2 HTTP/1.1\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n", output);
    }

    [Fact]
    public void OnClientData_AfterConnect_TunnelPassesUntouched()
    {
        var output = Rewrite("CONNECT db:5432 HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n");

        Assert.EndsWith("X-Forwarded-Proto: http\r\n\r\nGET / HTTP/1.1\r\n\r\n", output);
    }

    [Theory]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: -3\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nno colon here\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n")]
    [InlineData("NOT-HTTP-AFTER-A-REQUEST\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\n")]
    [InlineData("GET / HTTP/1.1\nHost: x\r\n\n")]
    [InlineData("GET / HTTP/1.1\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length : 3\r\n\r\nabc")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;a\nb\r\nabc\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\rabc\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\nb\r\n\r\n")]
    [InlineData("GET  / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1 \r\n\r\n")]
    public void OnClientData_MalformedAfterAGoodRequest_GoodOneGoesOnThenTheStreamEnds(string bad)
    {
        const string good = "GET /ok HTTP/1.1\r\n\r\n";
        var bytes = FilterRun.Bytes(good + bad + "GET /after HTTP/1.1\r\n\r\n");
        for (var split = 0; split <= bytes.Length; split++)
        {
            var run = new FilterRun();
            var output = FilterRun.Text(run.Feed(bytes, split));

            Assert.StartsWith("GET /ok HTTP/1.1\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n", output);
            Assert.DoesNotContain("/after", output);
            Assert.True(run.Filter.ClientStreamEnded);
            Assert.DoesNotContain("/after", string.Join(",", run.RequestLines));
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1 \r\nX-Forwarded-For: 203.0.113.9\r\n\r\n")]
    [InlineData("GET  / HTTP/1.1\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n")]
    [InlineData("GET /  HTTP/1.1\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\t \nX-Forwarded-For: 203.0.113.9\n\n")]
    public void OnClientData_BentFirstRequestLine_NothingReachesTheServer(string input)
    {
        // Not "not HTTP": a lenient server (nginx) takes these as requests, so passing them untouched would pass a
        // forged X-Forwarded-For too.
        var bytes = FilterRun.Bytes(input);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var run = new FilterRun();

            Assert.Equal("", FilterRun.Text(run.Feed(bytes, split)));
            Assert.True(run.Filter.ClientStreamEnded);
        }
    }

    [Theory]
    [InlineData("3;name=value\r\nabc\r\n0\r\n\r\n")]
    [InlineData("3 ;name\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n")]
    [InlineData("00003\r\nabc\r\n0\r\n\r\n")]
    public void OnClientData_ChunkExtensionsAndTrailers_BodyPassesExactly(string body)
    {
        var output = Rewrite($"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n{body}GET /2 HTTP/1.1\r\n\r\n");

        Assert.Contains($"\r\n\r\n{body}GET /2 HTTP/1.1\r\nX-Forwarded-For: 192.0.2.7\r\n", output);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nno colon here\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("NOT-HTTP-AFTER-A-REQUEST\r\n\r\n")]
    public void OnClientData_OnlyFollowingAndMalformed_EverythingStillGoesOnUntouched(string bad)
    {
        // The access log alone must never change or cut what the client sends.
        var input = "GET /ok HTTP/1.1\r\n\r\n" + bad + "GET /after HTTP/1.1\r\n\r\n";
        var bytes = FilterRun.Bytes(input);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var run = new FilterRun(insert: false);

            Assert.Equal(input, FilterRun.Text(run.Feed(bytes, split)));
            Assert.False(run.Filter.ClientStreamEnded);
            Assert.Equal("GET /ok HTTP/1.1", run.RequestLines[0]);
        }
    }

    [Fact]
    public void OnClientData_OnlyFollowingAndOversizedHead_PassesThroughWhole()
    {
        var run = new FilterRun(insert: false);
        var input = "GET /big HTTP/1.1\r\nX-Filler: " + new string('a', HttpRequestFilter.MaxHeadLength) + "\r\n\r\nrest";
        var bytes = FilterRun.Bytes(input);

        Assert.Equal(input, FilterRun.Text(run.Feed(bytes, 100, 40_000)));
        Assert.Equal(0, run.Filter.HeldBytes);
    }

    /// <summary>Found by fuzzing: what the server gets must not depend on how the client's bytes were cut into
    /// reads. Each case ran differently whole and in pieces (a head over the limit passed when it came in one read,
    /// a request line broken past the limit passed untouched in one read but stopped in two, a trailer over the limit
    /// ended its body in one read, and a broken chunk lost the valid bytes before it when they shared its read).</summary>
    [Theory]
    [InlineData("GET / HTTP/1.1\r\nX-Filler: {big}\r\n\r\nGET /after HTTP/1.1\r\n\r\n", "")]
    [InlineData("GET /{big} \u0001\r\n\r\n", "")]
    [InlineData("GET /ok HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: {big}\r\n\r\nGET /after HTTP/1.1\r\n\r\n",
        "GET /ok HTTP/1.1\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\nPOST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n0\r\nT: {65533}")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\nGET /after HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\n\r\n3\r\nabc")]
    public void OnClientData_AtTheLimitsAndBrokenChunks_SameOutputHoweverTheReadsAreCut(string input, string expected)
    {
        string Expand(string text) => text.Replace("{big}", new string('a', 70_000), StringComparison.Ordinal)
            .Replace("{65533}", new string('a', HttpRequestFilter.MaxHeadLength - 3), StringComparison.Ordinal);
        var bytes = FilterRun.Bytes(Expand(input));

        int[][] cuts = [[], [10], [bytes.Length - 30], [100, 40_000, 66_000]];
        foreach (var splits in cuts)
        {
            var run = new FilterRun();

            Assert.Equal(Expand(expected), FilterRun.Text(run.Feed(bytes, [.. splits.Where(s => s <= bytes.Length)])));
            Assert.True(run.Filter.ClientStreamEnded);
        }
    }

    [Fact]
    public void OnClientData_NotHttp_ReportsTheFirstLineOnceAndPassesThrough()
    {
        const string input = "HELO mail.example\r\nMAIL FROM:<a@b>\r\n";
        var run = new FilterRun(insert: false);

        Assert.Equal(input, FilterRun.Text(run.Feed(FilterRun.Bytes(input), 25)));
        Assert.Single(run.RequestLines);
        Assert.StartsWith("HELO mail.example", run.RequestLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void OnClientData_OversizedHead_StopsWithTheBufferBoundedAndReturned()
    {
        var pool = new CountingPool();
        var run = new FilterRun(pool: pool);
        var filler = new string('a', 1000);
        var output = new List<byte>();
        output.AddRange(run.Feed(FilterRun.Bytes("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n")));
        for (var i = 0; i < 100 && !run.Filter.ClientStreamEnded; i++)
        {
            output.AddRange(run.Feed(FilterRun.Bytes($"X-Filler-{i}: {filler}\r\n")));
            Assert.InRange(run.Filter.HeldBytes, 0, HttpRequestFilter.MaxHeadLength);
        }

        Assert.True(run.Filter.ClientStreamEnded);
        Assert.DoesNotContain("GET /2", FilterRun.Text(output.ToArray()));
        Assert.Equal(0, pool.Outstanding);
        Assert.Empty(run.Feed(FilterRun.Bytes("GET /3 HTTP/1.1\r\n\r\n")));
    }

    [Fact]
    public void OnClientData_HeadJustUnderTheLimit_IsRewritten()
    {
        var head = "GET / HTTP/1.1\r\nX-Big: ";
        head += new string('b', HttpRequestFilter.MaxHeadLength - head.Length - 4) + "\r\n\r\n";
        var run = new FilterRun();
        var output = FilterRun.Text(run.Feed(FilterRun.Bytes(head), 10, 40000));

        Assert.EndsWith("X-Forwarded-Proto: http\r\n\r\n", output);
        Assert.False(run.Filter.ClientStreamEnded);
        Assert.Equal(0, run.Filter.HeldBytes);
    }

    [Fact]
    public void OnClientData_CompleteRequests_HoldNoBuffer()
    {
        var pool = new CountingPool();
        var run = new FilterRun(pool: pool);
        run.Feed(FilterRun.Bytes("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 2\r\n\r\nab"), 5, 30, 62);

        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, run.Filter.HeldBytes);
    }
}
