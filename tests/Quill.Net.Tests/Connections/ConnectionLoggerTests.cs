using System.Net;
using System.Text;
using Quill.Core.AccessLog;
using Quill.Net.Connections;
using Xunit;

namespace Quill.Net.Tests.Connections;

public class ConnectionLoggerTests
{
    [Fact]
    public void PipelinedRequests_WaitForTheirStatus_AndAreWrittenInOrder()
    {
        var log = new RecordingLog();
        var logger = new ConnectionLogger(log, TimeProvider.System, IPAddress.Loopback, 40000);

        logger.RequestLine("GET /a HTTP/1.1"u8, new Traffic(0, 0));
        logger.RequestLine("HEAD /b HTTP/1.1"u8, new Traffic(20, 0));
        logger.RequestLine("GET /c HTTP/1.1"u8, new Traffic(40, 0));
        Assert.Empty(log.Records);

        Assert.Equal("GET", logger.Response(200));
        Assert.Equal(["/a 200"], log.Lines);
        Assert.Equal("HEAD", logger.Response(404));
        Assert.Equal(["/a 200", "/b 404"], log.Lines);

        // The last request is over only when the connection is; no answer came, so it has no status.
        logger.Ended(new Traffic(60, 300), "closed");
        Assert.Equal(["/a 200", "/b 404", "/c -"], log.Lines);
        Assert.Equal(["next", "next", "closed"], log.Records.Select(r => r.Close));
        Assert.Equal(20, log.Records[2].BytesToServer);
    }

    [Fact]
    public void ServerThatNeverAnswers_DoesNotMakeTheLogHoldEveryRequest()
    {
        var log = new RecordingLog();
        var logger = new ConnectionLogger(log, TimeProvider.System, IPAddress.Loopback, 40000);

        for (var i = 0; i < ConnectionLogger.MaxWaitingForStatus + 10; i++) logger.RequestLine(Encoding.ASCII.GetBytes($"GET /{i} HTTP/1.1"), default);

        Assert.Equal(10, log.Records.Count);
        Assert.Equal("/0 -", log.Lines[0]);
    }

    private sealed class RecordingLog : IConnectionLog
    {
        public List<ConnectionRecord> Records { get; } = [];

        public List<string> Lines => Records.Select(r => $"{r.HttpPath} {(r.HttpStatus is { } s ? s : "-")}").ToList();

        public bool Enabled => true;

        public void Write(ConnectionRecord record) => Records.Add(record);
    }
}
