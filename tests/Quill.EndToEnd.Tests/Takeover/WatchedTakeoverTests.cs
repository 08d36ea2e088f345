using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Http;
using Quill.EndToEnd.Tests.Operations;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// quill --takeover with connections whose bytes are watched: -H rewrites the requests, -l logs them (pen's lines, or
/// JSON records that carry bytes and statuses). Keep-alive clients are caught by the takeover in the middle of a request
/// (a head cut short, a body half sent); they go on on the new process, their later requests still get the headers,
/// and each request or connection is logged exactly once, with what the old process would have logged. Should the new
/// process die, the old one takes the connections back with what they had seen.
/// </summary>
public sealed class WatchedTakeoverTests
{
    private static readonly TimeSpan OldExitLimit = TimeSpan.FromSeconds(30);

    /// <summary>What -H adds to a request that carries no X-Forwarded headers, from a client at 127.0.0.N.</summary>
    private static readonly int ForwardedHeaderBytes = "X-Forwarded-For: 127.0.0.8\r\nX-Forwarded-Proto: http\r\n".Length;

    [Fact]
    public async Task With_H_and_the_access_log_connections_caught_mid_request_move_and_every_request_is_rewritten_and_logged_once()
    {
        using var nginx = await RecordingNginx.StartAsync("web");
        using var logged = await LoggedRun.StartAsync([.. nginx.Specs], "-H");
        var (run, log) = (logged.Run, logged.Log);
        using var uploading = await HttpExchange.OpenAsync(run.Listen.Endpoint, LoopbackClient.Source(6));
        using var splitHead = await HttpExchange.OpenAsync(run.Listen.Endpoint, LoopbackClient.Source(7));
        Assert.Equal("web", await uploading.GetAsync("/u1"));
        Assert.Equal("web", await splitHead.GetAsync("/s1"));
        var body = RandomNumberGenerator.GetBytes(192 * 1024 + 7);
        var half = body.Length / 2;

        // One connection is halfway through a PUT body, the other halfway through a head that already has a forwarded-for.
        await uploading.SendAsync(Ascii($"PUT /upload/moved HTTP/1.1\r\nHost: quill\r\nContent-Length: {body.Length}\r\n\r\n"));
        await uploading.SendAsync(body.AsMemory(0, half));
        await splitHead.SendAsync(Ascii("GET /s2 HTTP/1.1\r\nHost: quill\r\nX-Forward"));
        await WaitUntilReadAsync(run, uploading, splitHead);
        await TakeOverAsync(run, moved: 2);

        await splitHead.SendAsync(Ascii("ed-For: 198.51.100.7\r\n\r\n"));
        Assert.Equal("web", (await splitHead.ReadResponseAsync()).Body);
        await uploading.SendAsync(body.AsMemory(half));
        Assert.StartsWith("HTTP/1.1 201", (await uploading.ReadResponseAsync()).Status, StringComparison.Ordinal);
        Assert.Equal("web", await uploading.GetAsync("/u3"));
        Assert.Equal("web", await splitHead.GetAsync("/s3"));

        var requests = await nginx.RequestsAsync("web", 6);
        Assert.Equal(body, nginx.Uploaded("web", "moved"));
        var byPath = requests.ToDictionary(r => r.RequestLine.Split(' ')[1]);
        Assert.Equal(6, byPath.Count);
        foreach (var path in new[] { "/u1", "/upload/moved", "/u3" }) Assert.Equal(("127.0.0.6", "http"), (byPath[path].ForwardedFor, byPath[path].ForwardedProto));
        foreach (var path in new[] { "/s1", "/s3" }) Assert.Equal("127.0.0.7", byPath[path].ForwardedFor);
        Assert.Equal(("198.51.100.7, 127.0.0.7", "http"), (byPath["/s2"].ForwardedFor, byPath["/s2"].ForwardedProto));
        // Each client's requests reached nginx on one connection: the one that moved.
        Assert.Single(new[] { "/u1", "/upload/moved", "/u3" }.Select(p => byPath[p].Connection).Distinct());
        Assert.Single(new[] { "/s1", "/s2", "/s3" }.Select(p => byPath[p].Connection).Distinct());

        // pen's lines, "client epoch server request", the old process's and the new one's in one file, each once.
        var lines = await Eventually.LinesAsync(log, 6);
        Assert.Equal(
            ["127.0.0.6 127.0.0.1 GET /u1 HTTP/1.1", "127.0.0.6 127.0.0.1 GET /u3 HTTP/1.1", "127.0.0.6 127.0.0.1 PUT /upload/moved HTTP/1.1",
             "127.0.0.7 127.0.0.1 GET /s1 HTTP/1.1", "127.0.0.7 127.0.0.1 GET /s2 HTTP/1.1", "127.0.0.7 127.0.0.1 GET /s3 HTTP/1.1"],
            lines.Select(WithoutTime).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task With_the_json_log_and_H_each_request_of_a_moved_connection_is_recorded_once_with_its_bytes_and_status()
    {
        using var nginx = await RecordingNginx.StartAsync("web");
        using var logged = await LoggedRun.StartAsync([.. nginx.Specs], "-H", "-o", "log_format json");
        var (run, log) = (logged.Run, logged.Log);
        var requests = new[] { "GET /j1 HTTP/1.1\r\nHost: quill\r\n\r\n", "GET /j2 HTTP/1.1\r\nHost: quill\r\n\r\n", "GET /j3 HTTP/1.1\r\nHost: quill\r\n\r\n" };
        long[] received = new long[3];
        int port;
        using (var client = await HttpExchange.OpenAsync(run.Listen.Endpoint, LoopbackClient.Source(8)))
        {
            port = client.LocalEndPoint.Port;
            await client.SendAsync(Ascii(requests[0]));
            Assert.Equal("web", (await client.ReadResponseAsync()).Body);
            received[0] = client.Received;
            // The takeover comes with /j1 answered but not yet logged (its record waits for the next request), and /j2 cut short.
            await client.SendAsync(Ascii(requests[1][..10]));
            await WaitUntilReadAsync(run, client);
            await TakeOverAsync(run, moved: 1);
            Assert.Empty(Eventually.Read(log));

            await client.SendAsync(Ascii(requests[1][10..]));
            Assert.Equal("web", (await client.ReadResponseAsync()).Body);
            received[1] = client.Received - received[0];
            await client.SendAsync(Ascii(requests[2]));
            Assert.Equal("web", (await client.ReadResponseAsync()).Body);
            received[2] = client.Received - received[0] - received[1];
        }

        var records = (await Eventually.LinesAsync(log, 3)).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(3, records.Length);
        string[] closes = ["next", "next", "closed"];
        for (var i = 0; i < 3; i++)
        {
            var record = records[i];
            Assert.Equal(($"/j{i + 1}", 200, closes[i]), (record.GetProperty("path").GetString(), record.GetProperty("status").GetInt32(), record.GetProperty("close").GetString()));
            Assert.Equal(("127.0.0.8", port, "127.0.0.1"), (record.GetProperty("client").GetString(), record.GetProperty("client_port").GetInt32(), record.GetProperty("server").GetString()));
            Assert.Equal((requests[i].Length + ForwardedHeaderBytes, received[i]),
                (record.GetProperty("bytes_to_server").GetInt64(), record.GetProperty("bytes_to_client").GetInt64()));
        }
        // /j1 began on the old process: its record keeps its time.
        Assert.True(records[0].GetProperty("time").GetDateTimeOffset() <= records[1].GetProperty("time").GetDateTimeOffset());
        await Task.Delay(200);
        Assert.Equal(3, Eventually.Read(log).Length);
    }

    [Fact]
    public async Task With_the_json_log_and_H_an_answer_in_flight_moves_and_the_next_answers_status_is_still_read()
    {
        using var nginx = await RecordingNginx.StartAsync("web");
        using var logged = await LoggedRun.StartAsync([.. nginx.Specs], "-H", "-o", "log_format json");
        var (run, log) = (logged.Run, logged.Log);
        // Letters, so that the client's text reading keeps every byte; about 2 s at nginx's 64 KB/s.
        var body = string.Concat(Enumerable.Range(0, 128 * 1024).Select(i => (char)('a' + RandomNumberGenerator.GetInt32(26))));
        using var client = await HttpExchange.OpenAsync(run.Listen.Endpoint, LoopbackClient.Source(11));
        await client.SendAsync(Ascii($"PUT /upload/big HTTP/1.1\r\nHost: quill\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
        Assert.StartsWith("HTTP/1.1 201", (await client.ReadResponseAsync()).Status, StringComparison.Ordinal);
        var beforeSlow = client.Received;

        // The takeover comes while the answer streams: its status has been read, its body is still passing.
        await client.SendAsync(Ascii("GET /slow/big HTTP/1.1\r\nHost: quill\r\n\r\n"));
        Assert.True(await Eventually.TrueAsync(() => client.HasUnread), "no answer began");
        await TakeOverAsync(run, moved: 1);
        var slow = await client.ReadResponseAsync();
        Assert.Equal(("HTTP/1.1 200 OK", body), slow);
        var slowBytes = client.Received - beforeSlow;
        await client.SendAsync(Ascii("GET /slow/nothing HTTP/1.1\r\nHost: quill\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 404", (await client.ReadResponseAsync()).Status, StringComparison.Ordinal);
        client.Dispose();

        var records = (await Eventually.LinesAsync(log, 3)).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal([("/upload/big", 201), ("/slow/big", 200), ("/slow/nothing", 404)],
            records.Select(r => (r.GetProperty("path").GetString(), r.GetProperty("status").GetInt32())));
        Assert.Equal(slowBytes, records[1].GetProperty("bytes_to_client").GetInt64());
    }

    [Fact]
    public async Task With_the_json_log_a_moved_connection_gets_its_one_record_when_it_ends_on_the_new_process()
    {
        using var backend = new EchoBackend();
        using var logged = await LoggedRun.StartAsync([backend.Spec], "-o", "log_format json");
        var (run, log) = (logged.Run, logged.Log);
        var before = DateTimeOffset.UtcNow;
        using var socket = await LoopbackClient.ConnectAsync(run.Listen.Endpoint, LoopbackClient.Source(9));
        await socket.SendAsync(Ascii("before the move\n"));
        Assert.Equal("before the move", await LoopbackClient.ReadLineAsync(socket));

        await TakeOverAsync(run, moved: 1);
        // The old process has exited without writing the record of a connection that goes on.
        Assert.Empty(Eventually.Read(log));
        await socket.SendAsync(Ascii("after\n"));
        Assert.Equal("after", await LoopbackClient.ReadLineAsync(socket));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        Assert.Equal("", await LoopbackClient.ReadToEndAsync(socket));

        var record = JsonDocument.Parse(Assert.Single(await Eventually.LinesAsync(log, 1))).RootElement;
        Assert.Equal(("127.0.0.9", port, "127.0.0.1", "closed"),
            (record.GetProperty("client").GetString(), record.GetProperty("client_port").GetInt32(), record.GetProperty("server").GetString(), record.GetProperty("close").GetString()));
        Assert.Equal((22L, 22L), (record.GetProperty("bytes_to_server").GetInt64(), record.GetProperty("bytes_to_client").GetInt64()));
        Assert.InRange(record.GetProperty("time").GetDateTimeOffset(), before.AddSeconds(-1), before.AddSeconds(5));
        Assert.True(record.GetProperty("connect_seconds").GetDouble() > 0);
        await Task.Delay(200);
        Assert.Single(Eventually.Read(log));
    }

    [Fact]
    public async Task When_the_new_process_dies_the_old_one_takes_back_a_connection_cut_mid_request_and_goes_on_rewriting_and_logging()
    {
        using var nginx = await RecordingNginx.StartAsync("web");
        using var logged = await LoggedRun.StartAsync([.. nginx.Specs], "-H");
        var (run, log) = (logged.Run, logged.Log);
        using var client = await HttpExchange.OpenAsync(run.Listen.Endpoint, LoopbackClient.Source(10));
        Assert.Equal("web", await client.GetAsync("/f1"));
        await client.SendAsync(Ascii("GET /f2 HTTP/1.1\r\nHo"));
        await WaitUntilReadAsync(run, client);

        var failing = run.TakeOver(new Dictionary<string, string> { ["QUILL_TAKEOVER_FAIL"] = "relay" });
        Assert.Equal(137, await failing.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await Eventually.TrueAsync(() => run.Old.StandardError.Contains("with the 1 connections it was handing over", StringComparison.Ordinal),
            TimeSpan.FromSeconds(40)), run.Old.StandardError);

        await client.SendAsync(Ascii("st: quill\r\n\r\n"));
        Assert.Equal("web", (await client.ReadResponseAsync()).Body);
        Assert.Equal("web", await client.GetAsync("/f3"));
        var requests = await nginx.RequestsAsync("web", 3);
        Assert.Equal(["GET /f1 HTTP/1.1", "GET /f2 HTTP/1.1", "GET /f3 HTTP/1.1"], requests.Select(r => r.RequestLine));
        Assert.All(requests, r => Assert.Equal("127.0.0.10", r.ForwardedFor));
        Assert.Equal(["127.0.0.10 127.0.0.1 GET /f1 HTTP/1.1", "127.0.0.10 127.0.0.1 GET /f2 HTTP/1.1", "127.0.0.10 127.0.0.1 GET /f3 HTTP/1.1"],
            (await Eventually.LinesAsync(log, 3)).Select(WithoutTime));
        Assert.False(run.Old.HasExited);
    }

    /// <summary>Waits until the old process has read all the clients sent, so that what it holds of a request moves.</summary>
    private static async Task WaitUntilReadAsync(TakeoverRun run, params HttpExchange[] clients) =>
        Assert.True(await Eventually.TrueAsync(() => clients.All(c => TcpQueues.AllRead(c.LocalEndPoint, (IPEndPoint)run.Listen.Endpoint))),
            "the balancer did not read what the clients sent");

    private static async Task TakeOverAsync(TakeoverRun run, int moved)
    {
        run.TakeOver();
        Assert.Equal(0, await run.Old.WaitForExitAsync(OldExitLimit));
        Assert.Contains($"taken over: {moved} connections moved", run.Old.StandardError);
    }

    /// <summary>A <see cref="TakeoverRun"/> with its access log (-l) in a directory of its own.</summary>
    private sealed class LoggedRun : IDisposable
    {
        private readonly TempDirectory _directory = new();

        public string Log => _directory.File("access.log");

        public TakeoverRun Run { get; private set; } = null!;

        public static async Task<LoggedRun> StartAsync(IReadOnlyList<string> servers, params string[] extra)
        {
            var logged = new LoggedRun();
            try
            {
                logged.Run = await TakeoverRun.StartAsync(servers, [.. extra, "-l", logged.Log]);
                return logged;
            }
            catch
            {
                logged.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Run?.Dispose();
            _directory.Dispose();
        }
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>pen's line without its epoch seconds, which depend on when the test ran.</summary>
    private static string WithoutTime(string line)
    {
        var parts = line.Split(' ', 3);
        Assert.True(long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _), $"not pen's format: '{line}'");
        return $"{parts[0]} {parts[2]}";
    }
}
