using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Security;

/// <summary>
/// -H against request smuggling, end to end: a good request, then the case, then a last request, on one connection.
/// Quill either frames the case one clear way (every request reaches the backend with exactly one X-Forwarded-For)
/// or refuses it: the backend gets the good request only and end of stream, answers it, and the client's connection
/// closes after that answer. Never anything in between, which is where a request hides from the header insertion.
/// The policy table is in the README (Security checks).
/// </summary>
public sealed class RequestSmugglingTests
{
    private const string Good = "GET /good HTTP/1.1\r\nHost: t\r\n\r\n";
    private const string After = "GET /after HTTP/1.1\r\nHost: t\r\n\r\n";
    private const string Forwarded = "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\n";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string> Refused => new()
    {
        { "CL+TE", "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG" },
        { "TE+CL", "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n" },
        { "duplicate CL, same value", "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc" },
        { "duplicate CL, different values", "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n" },
        { "CL list", "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3, 3\r\n\r\nabc" },
        { "obs-fold", "GET /x HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n Transfer-Encoding: chunked\r\n\r\n" },
        { "bare LF among CRLF", "POST /x HTTP/1.1\r\nHost: t\nContent-Length: 3\r\n\r\nabc" },
        { "bare LF ends the head", "GET /x HTTP/1.1\r\nHost: t\r\n\n" },
        { "bare CR in a value", "GET /x HTTP/1.1\r\nHost: t\r\nX: a\rContent-Length: 3\r\n\r\n" },
        { "space before colon", "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length : 3\r\n\r\nabc" },
        { "space in a name", "GET /x HTTP/1.1\r\nHost: t\r\nTransfer Encoding: chunked\r\n\r\n" },
        { "NUL in a value", "GET /x HTTP/1.1\r\nHost: t\r\nX: a\0b\r\n\r\n" },
        { "TE not chunked", "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nabc" },
        { "TE chunked twice", "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n" },
        { "TE chunked then identity", "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n" },
        { "TE in HTTP/1.0", "POST /x HTTP/1.0\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" },
        { "extra space in request line", "GET  /x HTTP/1.1\r\nHost: t\r\n\r\n" },
    };

    /// <summary>A chunked body is passed on as it arrives, so its valid start may have gone on when the error shows.</summary>
    public static TheoryData<string, string, string> RefusedInBody => new()
    {
        { "chunk size overflow", "10000000000000003\r\nabc\r\n0\r\n\r\n", "100000000000000" },
        { "bare LF in a chunk extension", "3;x\nabc\r\n0\r\n\r\n", "3;x" },
        { "bare CR in a chunk line", "3\rabc\r\n0\r\n\r\n", "3\r" },
        { "bare LF after chunk data", "3\r\nabc\n0\r\n\r\n", "3\r\nabc" },
        { "bare LF ends the trailer", "0\r\n\nGET /smuggled HTTP/1.1\r\n\r\n", "0\r\n" },
        { "bare LF in a trailer", "0\r\nT: a\nb\r\n\r\n", "0\r\nT: a" },
    };

    public static TheoryData<string, string> Framed => new()
    {
        { "chunk extensions and trailer", "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\nT: v\r\n\r\n" },
        { "TE list ending in chunked", "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" },
        { "LF-only request", "GET /x HTTP/1.1\nHost: t\n\n" },
        { "Content-Length body holding a request", "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 32\r\n\r\nGET /inner HTTP/1.1\r\nHost: t\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Refused_BackendGetsOnlyTheRequestBefore_ClientGetsItsAnswerThenClose(string name, string smuggling)
    {
        using var backend = new RecordingBackend();
        var (quill, listen) = await StartAsync(backend);
        using var _ = quill;

        var answer = await ExchangeAsync(listen, Good + smuggling + After);

        Assert.Equal((name, Good[..^2] + Forwarded + "\r\n"), (name, backend.NextReceived(Limit)));
        Assert.Equal((name, RecordingBackend.Reply), (name, answer));
    }

    [Theory]
    [MemberData(nameof(RefusedInBody))]
    public async Task RefusedInAChunkedBody_BackendGetsAtMostItsValidStartThenEndOfStream(string name, string body, string passed)
    {
        const string head = "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n";
        using var backend = new RecordingBackend();
        var (quill, listen) = await StartAsync(backend);
        using var _ = quill;

        var answer = await ExchangeAsync(listen, Good + head + "\r\n" + body + After);

        // The body's valid start goes on as far as the reads that brought it (all of it, part, or none).
        var heads = Good[..^2] + Forwarded + "\r\n" + head + Forwarded + "\r\n";
        var received = backend.NextReceived(Limit);
        Assert.True(received.StartsWith(heads, StringComparison.Ordinal) && (heads + passed).StartsWith(received, StringComparison.Ordinal),
            $"{name}: {received}");
        Assert.Equal((name, RecordingBackend.Reply), (name, answer));
    }

    [Fact]
    public async Task BentFirstRequestLine_ForgedForwardedForNeverReachesTheBackend()
    {
        // A lenient server (nginx among them) reads "HTTP/1.1 " with a trailing space as a request: passed on untouched
        // as "not HTTP", its forged X-Forwarded-For would be the last one the server sees.
        using var backend = new RecordingBackend();
        var (quill, listen) = await StartAsync(backend);
        using var _ = quill;

        var answer = await ExchangeAsync(listen, "GET / HTTP/1.1 \r\nHost: t\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n");

        Assert.Equal("", backend.NextReceived(Limit));
        Assert.Equal(RecordingBackend.Reply, answer);
    }

    [Theory]
    [MemberData(nameof(Framed))]
    public async Task Framed_EveryRequestReachesTheBackendWithOneForwardedFor(string name, string request)
    {
        using var backend = new RecordingBackend();
        var (quill, listen) = await StartAsync(backend);
        using var _ = quill;

        await ExchangeAsync(listen, Good + request + After);

        var received = backend.NextReceived(Limit);
        var lf = request.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var head = request[..(request.IndexOf(lf + lf, StringComparison.Ordinal) + lf.Length)];
        var body = request[(head.Length + lf.Length)..];
        var expected = Good[..^2] + Forwarded + "\r\n"
            + head + Forwarded.Replace("\r\n", lf, StringComparison.Ordinal) + lf + body
            + After[..^2] + Forwarded + "\r\n";
        Assert.Equal((name, expected), (name, received));
    }

    private static async Task<(BalancerProcess Quill, ListenAddress Listen)> StartAsync(RecordingBackend backend)
    {
        var listen = ListenAddress.Loopback(FreePorts.Next());
        return (await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-H"], [backend.Spec]), listen);
    }

    /// <summary>Sends everything at once, half-closes, and reads until quill closes.</summary>
    private static async Task<string> ExchangeAsync(ListenAddress listen, string request)
    {
        using var socket = await LoopbackClient.ConnectAsync(listen.Endpoint, LoopbackClient.Source(1));
        await socket.SendAsync(Encoding.Latin1.GetBytes(request), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
        return await LoopbackClient.ReadToEndAsync(socket);
    }
}
