using System.Buffers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Quill.Net.AccessLog;

namespace Quill.Net.Tests.AccessLog;

public sealed class RequestLogFilterTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task OnClientData_LogsFirstChunkAndEachRequestStart_ForwardsEveryByte()
    {
        var path = Path.Combine(_directory.Path, "access.log");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1795663086));
        var log = new Net.AccessLog.AccessLog(_ => { });
        var output = new ArrayBufferWriter<byte>();
        await using (log)
        {
            log.Open(path);
            var filter = new RequestLogFilter(log, "127.0.0.5", "127.0.0.1", time);
            foreach (var chunk in new[] { "POST /a HTTP/1.1\r\nContent-Length: 9\r\n\r\n", "body text", "GET /b HTTP/1.1\r\n\r\n", "lower case" })
                filter.OnClientData(Encoding.ASCII.GetBytes(chunk), output);
        }

        Assert.Equal(
            ["127.0.0.5 1795663086 127.0.0.1 POST /a HTTP/1.1", "127.0.0.5 1795663086 127.0.0.1 GET /b HTTP/1.1"],
            File.ReadAllLines(path));
        Assert.Equal("POST /a HTTP/1.1\r\nContent-Length: 9\r\n\r\nbody textGET /b HTTP/1.1\r\n\r\nlower case", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public async Task OnClientData_FirstChunkOfAnyProtocol_IsLogged()
    {
        var path = Path.Combine(_directory.Path, "access.log");
        var log = new Net.AccessLog.AccessLog(_ => { });
        await using (log)
        {
            log.Open(path);
            new RequestLogFilter(log, "127.0.0.5", "127.0.0.1", TimeProvider.System).OnClientData("EHLO x\r\n"u8, new ArrayBufferWriter<byte>());
        }

        Assert.EndsWith(" 127.0.0.1 EHLO x", File.ReadAllLines(path).Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1", true)]
    [InlineData("M-SEARCH * HTTP/1.1", false)]
    [InlineData("get / HTTP/1.1", false)]
    [InlineData(" GET /", false)]
    [InlineData("GETNOSPACE", false)]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ /", false)]
    public void StartsWithMethod_UpperCaseTokenAndSpace(string chunk, bool expected)
    {
        Assert.Equal(expected, RequestLogFilter.StartsWithMethod(Encoding.ASCII.GetBytes(chunk)));
    }

    public void Dispose() => _directory.Dispose();
}
