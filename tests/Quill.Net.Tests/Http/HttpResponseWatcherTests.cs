using System.Text;
using Quill.Net.Http;
using Xunit;

namespace Quill.Net.Tests.Http;

public class HttpResponseWatcherTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    private const string Missing = "HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nnot found";
    private const string Chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHTTP/\r\n3;x=y\r\n1.1\r\n0\r\nTrailer: z\r\n\r\n";
    private const string NoContent = "HTTP/1.1 204 No Content\r\n\r\n";

    [Fact]
    public void OnServerData_KeepAliveAnswers_ReportsEachStatusInOrder_PastEveryBody()
    {
        Assert.Equal([200, 404, 200, 204, 200], Watch(Ok + Missing + Chunked + NoContent + Ok));
    }

    [Fact]
    public void OnServerData_AnySplitIntoReads_ReportsTheSame()
    {
        var stream = Ok + "HTTP/1.1 100 Continue\r\n\r\n" + Missing + Chunked + Ok;
        for (var size = 1; size <= 7; size++) Assert.Equal([200, 404, 200, 200], Watch(stream, size));
    }

    [Fact]
    public void OnServerData_InterimAnswers_AreNotReported()
    {
        Assert.Equal([201], Watch("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
    }

    [Fact]
    public void OnServerData_AnswerToHead_HasNoBody_WhateverContentLengthSays()
    {
        var methods = new Queue<string>(["HEAD", "GET"]);
        var statuses = new List<int>();
        var watcher = new HttpResponseWatcher(status =>
        {
            statuses.Add(status);
            return methods.Dequeue();
        });

        watcher.OnServerData(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + Missing));

        Assert.Equal([200, 404], statuses);
    }

    [Theory]
    [InlineData("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n" + Ok, new[] { 101 })]
    [InlineData("HTTP/1.0 200 OK\r\n\r\nbody to the close" + Ok, new[] { 200 })]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + Ok, new[] { 200 })]
    [InlineData("SSH-2.0-OpenSSH\r\n" + Ok, new int[0])]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab" + Ok, new int[0])]
    public void OnServerData_WhatItCannotFollow_StopsWatching(string stream, int[] statuses)
    {
        var (reported, watcher) = Run(stream, stream.Length);

        Assert.Equal(statuses, reported);
        Assert.True(watcher.Stopped);
    }

    [Fact]
    public void OnServerData_ALineLongerThanTheLimit_StopsWatching()
    {
        var header = "HTTP/1.1 200 OK\r\nX-Long: " + new string('a', HttpResponseWatcher.MaxLineLength) + "\r\nContent-Length: 0\r\n\r\n";
        var (reported, watcher) = Run(header + Ok, 1000);

        Assert.Empty(reported);
        Assert.True(watcher.Stopped);
    }

    private static List<int> Watch(string stream, int readSize = int.MaxValue) => Run(stream, readSize).Statuses;

    private static (List<int> Statuses, HttpResponseWatcher Watcher) Run(string stream, int readSize)
    {
        var statuses = new List<int>();
        var watcher = new HttpResponseWatcher(status =>
        {
            statuses.Add(status);
            return "GET";
        });
        var bytes = Encoding.ASCII.GetBytes(stream);
        for (var offset = 0; offset < bytes.Length; offset += readSize)
            watcher.OnServerData(bytes.AsSpan(offset, Math.Min(readSize, bytes.Length - offset)));
        return (statuses, watcher);
    }
}
