using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Http;

/// <summary>
/// -H with real peers: curl and raw sockets in front, nginx behind logging the headers it got. Quill only: pen
/// 0.34.1 rewrites only GET/POST/HEAD chunks that hold a whole head and never appends (its bug 13).
/// </summary>
public sealed class ForwardedForTests
{
    private static readonly string[] Backend = ["web"];

    [Fact]
    public async Task Curl_SeveralUrlsOnOneKeepAliveConnection_EveryRequestCarriesTheClientAddress()
    {
        using var nginx = await RecordingNginx.StartAsync(Backend);
        var (listen, port) = Listen();
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-H"], [.. nginx.Specs]);

        var output = await CurlCommand.RunAsync(
            "--http1.1", "--interface", "127.0.0.6", $"http://127.0.0.1:{port}/a", $"http://127.0.0.1:{port}/b",
            "--next", "--http1.1", "--interface", "127.0.0.6", "-X", "DELETE", $"http://127.0.0.1:{port}/c");

        var logged = await nginx.RequestsAsync("web", 3);
        Assert.Equal("web\nweb\nweb\n", output);
        Assert.Equal(["GET /a HTTP/1.1", "GET /b HTTP/1.1", "DELETE /c HTTP/1.1"], logged.Select(r => r.RequestLine));
        Assert.All(logged, r => Assert.Equal(("127.0.0.6", "http"), (r.ForwardedFor, r.ForwardedProto)));
        Assert.Single(logged.Select(r => r.Connection).Distinct());
    }

    [Fact]
    public async Task Curl_ExistingForwardedFor_ClientAddressIsAppended()
    {
        using var nginx = await RecordingNginx.StartAsync(Backend);
        var (listen, port) = Listen();
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-o", "http"], [.. nginx.Specs]);

        await CurlCommand.RunAsync("--interface", "127.0.0.8", "-H", "X-Forwarded-For: 203.0.113.9",
            "-H", "X-Forwarded-Proto: https", $"http://127.0.0.1:{port}/");

        var logged = Assert.Single(await nginx.RequestsAsync("web", 1));
        Assert.Equal(("203.0.113.9, 127.0.0.8", "http"), (logged.ForwardedFor, logged.ForwardedProto));
    }

    [Fact]
    public async Task Curl_LargeUploads_WithExpectContinueAndChunked_ArriveByteExact()
    {
        using var nginx = await RecordingNginx.StartAsync(Backend);
        var (listen, port) = Listen();
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-H"], [.. nginx.Specs]);
        using var files = new TempDirectory();
        var body = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await File.WriteAllBytesAsync(files.File("body"), body);

        // Over 1 MB curl sends Expect: 100-continue and waits for nginx's 100 before the body.
        await CurlCommand.RunAsync("--http1.1", "-T", files.File("body"), $"http://127.0.0.1:{port}/upload/fixed",
            "-H", "Transfer-Encoding: chunked", "-T", files.File("body"), $"http://127.0.0.1:{port}/upload/chunked");

        var logged = await nginx.RequestsAsync("web", 2);
        Assert.Equal(["PUT /upload/fixed HTTP/1.1", "PUT /upload/chunked HTTP/1.1"], logged.Select(r => r.RequestLine));
        Assert.All(logged, r => Assert.Equal("127.0.0.1", r.ForwardedFor));
        Assert.Equal(body, nginx.Uploaded("web", "fixed"));
        Assert.Equal(body, nginx.Uploaded("web", "chunked"));
    }

    [Fact]
    public async Task RawSocket_ThreePipelinedRequestsSplitAtOddOffsets_EachGetsTheHeaderBodiesExact()
    {
        using var nginx = await RecordingNginx.StartAsync(Backend);
        var (listen, _) = Listen();
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-H"], [.. nginx.Specs]);
        const string fixedBody = "GET /smuggled HTTP/1.1\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n";
        const string chunkedBody = "3;x=y\r\nabc\r\n12\r\nGET / HTTP/1.1\r\n\r\n\r\n0\r\n\r\n";
        var requests = Encoding.ASCII.GetBytes(
            "GET /first HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n"
            + $"PUT /upload/fixed HTTP/1.1\r\nHost: t\r\nContent-Length: {fixedBody.Length}\r\n\r\n{fixedBody}"
            + $"PUT /upload/chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{chunkedBody}");

        using var socket = await LoopbackClient.ConnectAsync(listen.Endpoint, LoopbackClient.Source(7));
        socket.NoDelay = true;
        var offset = 0;
        foreach (var split in new[] { 1, 6, 31, 47, 59, 90, 97, 131, 149, 173, 190, 211, 233, requests.Length })
        {
            await socket.SendAsync(requests.AsMemory(offset, Math.Min(split, requests.Length) - offset));
            offset = Math.Min(split, requests.Length);
            // Separate segments, so quill sees the requests cut at these points rather than in one read.
            await Task.Delay(15);
        }
        var replies = await LoopbackClient.ReadToEndAsync(socket);

        var logged = await nginx.RequestsAsync("web", 3);
        Assert.True(3 == replies.Split("HTTP/1.1 ").Length - 1, replies);
        Assert.Equal(["GET /first HTTP/1.1", "PUT /upload/fixed HTTP/1.1", "PUT /upload/chunked HTTP/1.1"],
            logged.Select(r => r.RequestLine));
        Assert.Equal(["198.51.100.1, 127.0.0.7", "127.0.0.7", "127.0.0.7"], logged.Select(r => r.ForwardedFor));
        Assert.Equal(fixedBody, Encoding.ASCII.GetString(nginx.Uploaded("web", "fixed")));
        Assert.Equal("abcGET / HTTP/1.1\r\n\r\n", Encoding.ASCII.GetString(nginx.Uploaded("web", "chunked")));
    }

    [Fact]
    public async Task NotHttp_TwentyMegabytesBothWays_PassByteForByte()
    {
        await BothWaysTransfer.AssertByteExactAsync(
            (listen, server) => BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-H"], server), seed: 21);
    }

    [Fact]
    public async Task OversizedHead_RequestsBeforeItAnswered_ThenTheConnectionCloses()
    {
        using var nginx = await RecordingNginx.StartAsync(Backend);
        var (listen, _) = Listen();
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-H"], [.. nginx.Specs]);
        using var socket = await LoopbackClient.ConnectAsync(listen.Endpoint);

        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /ok HTTP/1.1\r\nHost: t\r\n\r\nGET /huge HTTP/1.1\r\n"));
        var filler = Encoding.ASCII.GetBytes($"X-Filler: {new string('f', 1000)}\r\n");
        try
        {
            for (var i = 0; i < 70; i++) await socket.SendAsync(filler);
        }
        catch (SocketException)
        {
            // Quill may already have closed: that is the outcome under test.
        }
        var replies = await LoopbackClient.ReadToEndAsync(socket);

        Assert.StartsWith("HTTP/1.1 200", replies);
        Assert.Equal(1, replies.Split("HTTP/1.1 ").Length - 1);
        Assert.Equal(["GET /ok HTTP/1.1"], (await nginx.RequestsAsync("web", 1)).Select(r => r.RequestLine));
    }

    private static (ListenAddress Listen, int Port) Listen()
    {
        var listen = ListenAddress.Loopback(FreePorts.Next());
        return (listen, ((IPEndPoint)listen.Endpoint).Port);
    }
}
