using System.Text;
using Quill.Core.AccessLog;
using Xunit;

namespace Quill.Core.Tests.AccessLog;

public class AccessLogEntryTests
{
    [Fact]
    public void ToFileLine_IsPensFormat()
    {
        var entry = new AccessLogEntry("127.0.0.5", 1795663086, "127.0.0.1", "GET / HTTP/1.0");

        Assert.Equal("127.0.0.5 1795663086 127.0.0.1 GET / HTTP/1.0\n", entry.ToFileLine());
    }

    [Fact]
    public void ToDatagram_IsPenlogdFormatWithoutTime()
    {
        var entry = new AccessLogEntry("10.0.0.1", 1795663086, "10.0.0.9", "GET /a HTTP/1.1");

        Assert.Equal("+ 10.0.0.1 10.0.0.9 GET /a HTTP/1.1\n", Encoding.ASCII.GetString(entry.ToDatagram()));
    }

    [Fact]
    public void ToDatagram_LongRequest_CutTo1024BytesEndingInNewline()
    {
        var entry = new AccessLogEntry("10.0.0.1", 0, "10.0.0.9", new string('x', 2000));

        var datagram = entry.ToDatagram();

        Assert.Equal(AccessLogEntry.MaxDatagramBytes, datagram.Length);
        Assert.Equal((byte)'\n', datagram[^1]);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1")]
    [InlineData("GET /x\nHost: x", "GET /x")]
    [InlineData("\nfoo", "")]
    [InlineData("A\tB", "A\tB")]
    public void RequestText_CutsAtFirstLineEnd(string chunk, string expected)
    {
        Assert.Equal(expected, RequestText.From(Encoding.ASCII.GetBytes(chunk)));
    }

    [Fact]
    public void RequestText_KeepsAtMost100Bytes()
    {
        Assert.Equal(new string('7', 100), RequestText.From(Encoding.ASCII.GetBytes(new string('7', 150) + "\n")));
    }

    [Fact]
    public void RequestText_ShowsBytesAbove7FAsDots()
    {
        Assert.Equal("C..D\u007fE", RequestText.From([(byte)'C', 0xC3, 0xA9, (byte)'D', 0x7F, (byte)'E']));
    }
}
