using System.Buffers;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Quill.Core.AccessLog;
using Quill.Net.Connections;
using Quill.Net.Http;
using Quill.Net.Takeover;
using Quill.Net.Tests.Http;

namespace Quill.Net.Tests.Takeover;

/// <summary>
/// A watcher saved at any point of a connection and restored into a fresh one goes on exactly as the first would have:
/// the same bytes to the server, the same request lines, statuses and log records, whatever the cut.
/// </summary>
public class MovedWatchersTests
{
    /// <summary>Requests of every framing, heads with and without forwarded headers, LF-only lines, an upgrade last.</summary>
    private static readonly string Requests =
        "GET /a HTTP/1.1\r\nHost: h\r\n\r\n" +
        $"GET /{new string('t', 300)} HTTP/1.1\r\nHost: h\r\n\r\n" +
        "\r\nPUT /b HTTP/1.1\r\nX-Forwarded-For: 198.51.100.1\r\nContent-Length: 11\r\n\r\nhello world" +
        "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Forwarded-Proto: https\r\n\r\n5;e=1\r\nabcde\r\n3\r\nfgh\r\n0\r\nT: 1\r\n\r\n" +
        "GET /d HTTP/1.0\nHost: h\n\n" +
        "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x01\x02 raw frames \r\n\r\n";

    private const string Answers =
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" +
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n" +
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nnope\r\n0\r\n\r\n" +
        "HTTP/1.1 204 No Content\r\n\r\n" +
        "HTTP/1.1 101 Switching Protocols\r\n\r\nraw";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RequestFilter_SavedAtAnyOffset_TheRestoredOneGoesOnAsTheFirst(bool insert)
    {
        var input = FilterRun.Bytes(Requests);
        var whole = new FilterRun(insert: insert);
        var expected = FilterRun.Text(whole.Feed(input));
        for (var cut = 0; cut <= input.Length; cut++)
        {
            var first = new FilterRun(insert: insert);
            var output = FilterRun.Text(first.Feed(input[..cut]));
            var next = new FilterRun(insert: insert);
            Assert.Same(next.Filter, MovedWatchers.Restore(next.Filter, MovedWatchers.Save(first.Filter)));
            output += FilterRun.Text(next.Feed(input[cut..]));
            Assert.Equal(expected, output);
            Assert.Equal(whole.RequestLines, first.RequestLines.Concat(next.RequestLines));
        }
    }

    [Fact]
    public void RequestFilter_SavedOnceItRefusedTheStream_StaysRefusing()
    {
        var input = FilterRun.Bytes("GET /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxGET /b HTTP/1.1\r\n\r\n");
        var first = new FilterRun();
        first.Feed(input[..58]);
        Assert.True(first.Filter.ClientStreamEnded);
        var next = new FilterRun();
        MovedWatchers.Restore(next.Filter, MovedWatchers.Save(first.Filter));
        Assert.True(next.Filter.ClientStreamEnded);
        Assert.Empty(next.Feed(input[58..]));
    }

    [Fact]
    public void State_OfAnotherKindOfFilter_IsRefused_SoTheConnectionGoesOnUnwatched()
    {
        var withHeaders = MovedWatchers.Save(new FilterRun(insert: true).Filter);
        Assert.Null(MovedWatchers.Restore(new FilterRun(insert: false).Filter, withHeaders));
        Assert.Null(MovedWatchers.Restore(new FilterRun().Filter, []));
        Assert.Null(MovedWatchers.Restore(new FilterRun().Filter, [.. withHeaders!, 0]));
        Assert.Null(MovedWatchers.Restore<HttpRequestFilter>(null, withHeaders));
        Assert.Null(MovedWatchers.Restore(new FilterRun().Filter, null));
    }

    [Fact]
    public void ResponseWatcher_SavedAtAnyOffset_TheRestoredOneReportsTheRest()
    {
        var input = Encoding.Latin1.GetBytes(Answers);
        string[] methods = ["GET", "PUT", "POST", "GET", "GET"];
        var expected = Watch(input, input.Length, methods);
        Assert.Equal([200, 201, 404, 204, 101], expected);
        for (var cut = 0; cut <= input.Length; cut++) Assert.Equal(expected, Watch(input, cut, methods));
    }

    [Fact]
    public void ConnectionLogger_SavedBetweenAnyTwoEvents_WritesTheRecordsTheFirstWould()
    {
        Action<ConnectionLogger, FakeTimeProvider>[] events =
        [
            (logger, _) => logger.Connected(1, new IPEndPoint(IPAddress.Parse("192.0.2.9"), 80), TimeSpan.FromMilliseconds(3)),
            (_, time) => time.Advance(TimeSpan.FromMilliseconds(1500)),
            (logger, _) => logger.RequestLine("GET /a HTTP/1.1"u8, new Traffic(0, 0)),
            (_, time) => time.Advance(TimeSpan.FromTicks(12_345)),
            (logger, _) => logger.RequestLine("HEAD /b HTTP/1.1"u8, new Traffic(40, 0)),
            (logger, _) => logger.Response(200),
            (_, time) => time.Advance(TimeSpan.FromSeconds(2)),
            (logger, _) => logger.RequestLine("GET /c HTTP/1.1"u8, new Traffic(80, 300)),
            (logger, _) => logger.Response(404),
            (_, time) => time.Advance(TimeSpan.FromMilliseconds(7)),
            (logger, _) => logger.Ended(new Traffic(120, 900), "closed"),
        ];
        var expected = LogWithCut(events, cut: -1);
        Assert.Equal(["/a", "/b", "/c"], expected.Select(r => r.HttpPath));
        Assert.Equal([200, 404, (int?)null], expected.Select(r => r.HttpStatus));
        for (var cut = 0; cut < events.Length; cut++) Assert.Equal(expected, LogWithCut(events, cut));
    }

    [Fact]
    public void ConnectionLogger_WithoutRequests_WritesItsOneRecordWhereTheConnectionEnds()
    {
        Action<ConnectionLogger, FakeTimeProvider>[] events =
        [
            (logger, _) => logger.Connected(0, new IPEndPoint(IPAddress.Loopback, 9000), TimeSpan.FromTicks(777)),
            (_, time) => time.Advance(TimeSpan.FromSeconds(31)),
            (logger, _) => logger.Ended(new Traffic(5, 6), "aborted"),
        ];
        var expected = Assert.Single(LogWithCut(events, cut: -1));
        Assert.Equal((31.0, 5L, "aborted"), (expected.DurationSeconds, expected.BytesToServer, expected.Close));
        for (var cut = 0; cut < events.Length; cut++) Assert.Equal(expected, Assert.Single(LogWithCut(events, cut)));
    }

    [Fact]
    public void MovedRelay_WrittenAndRead_KeepsItsWatchersStates()
    {
        var moved = new MovedRelay(10, 11,
            new HandedOverConnection(IPAddress.Parse("192.0.2.7"), 40000, 2, new Traffic(5, 6), new MovedWatchers([7, 8, 9], null, [])),
            new MovedDirection([1, 2], EofSeen: true, Finished: false, FilterEnded: true), new MovedDirection([], false, false, false));
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) moved.Write(writer);
        buffer.Position = 0;
        var read = MovedRelay.Read(new BinaryReader(buffer), 10, 11);
        Assert.Equal([7, 8, 9], read.Connection.Watchers.ClientFilter);
        Assert.Null(read.Connection.Watchers.ServerObserver);
        Assert.Empty(read.Connection.Watchers.Log!);
        Assert.Equal((true, true), (read.ToServer.FilterEnded, read.ToServer.EofSeen));
        Assert.Equal([1, 2], read.ToServer.Pending);
        Assert.Equal(buffer.Length, buffer.Position);
    }

    /// <summary>The statuses reported for <paramref name="input"/>, the watcher moved at <paramref name="cut"/>.</summary>
    private static List<int> Watch(byte[] input, int cut, string[] methods)
    {
        var statuses = new List<int>();
        string Report(int status)
        {
            statuses.Add(status);
            return methods[statuses.Count - 1];
        }
        var first = new HttpResponseWatcher(Report);
        first.OnServerData(input.AsSpan(0, cut));
        var next = MovedWatchers.Restore(new HttpResponseWatcher(Report), MovedWatchers.Save(first))!;
        next.OnServerData(input.AsSpan(cut));
        return statuses;
    }

    /// <summary>The records written when the events happen to one logger, or, from <paramref name="cut"/> on, to a
    /// second one restored from the first's state.</summary>
    private static List<ConnectionRecord> LogWithCut(Action<ConnectionLogger, FakeTimeProvider>[] events, int cut)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var log = new RecordingLog();
        var logger = new ConnectionLogger(log, time, IPAddress.Parse("192.0.2.7"), 40000);
        for (var i = 0; i < events.Length; i++)
        {
            if (i == cut)
            {
                var state = MovedWatchers.Save(logger);
                logger = MovedWatchers.Restore(new ConnectionLogger(log, time, IPAddress.Parse("192.0.2.7"), 40000), state)!;
            }
            events[i](logger, time);
        }
        return log.Records;
    }

    private sealed class RecordingLog : IConnectionLog
    {
        public List<ConnectionRecord> Records { get; } = [];

        public bool Enabled => true;

        public void Write(ConnectionRecord record) => Records.Add(record);
    }
}
