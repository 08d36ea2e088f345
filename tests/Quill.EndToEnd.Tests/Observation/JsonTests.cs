using System.Globalization;
using System.Text.Json;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Security;

namespace Quill.EndToEnd.Tests.Observation;

/// <summary>quillctl --json (JSON made by the server) and the JSON access log, read with the real jq and curl.</summary>
public sealed class JsonTests
{
    private const string Jq = "/usr/bin/jq";
    /// <summary>What -H adds to each request from 127.0.0.1: "X-Forwarded-For: 127.0.0.1\r\n" and "X-Forwarded-Proto: http\r\n".</summary>
    private const int ForwardedHeaderBytes = 28 + 25;

    [ToolFact(Jq)]
    public async Task QuillctlJson_EveryTableCommand_ParsesWithJqAndMatchesTheTextReply()
    {
        using var servers = NamedBackends.Start(2);
        using var quill = await ObservedBalancer.StartAsync(["-r"], servers[0].Spec + ":0:0:3:4", servers[1].Spec);
        foreach (var _ in Enumerable.Range(0, 3)) await LoopbackClient.AskAsync(quill.Listen);
        var control = quill.Balancer.ControlText;
        await Eventually.ValueAsync(() => quill.Balancer.AskAsync("recent"), r => r.Contains("sx 9", StringComparison.Ordinal));

        // servers: "N addr A port P conn C max M hard H weight W prio P sx S rx R" per line.
        var serversText = await quill.Balancer.AskAsync("servers");
        var serversJson = await JqAsync(control, "servers",
            @".[] | ""\(.index) addr \(.address) port \(.port) conn \(.connections) max \(.max) hard \(.hard) weight \(.weight) prio \(.prio) sx \(.sent) rx \(.received)""");
        Assert.Equal(serversText, serversJson);

        var recentText = await quill.Balancer.AskAsync("recent");
        var recentJson = await JqAsync(control, "recent", @".[] | ""\(.address) connects \(.connects) sx \(.sent) rx \(.received)""");
        Assert.Equal(recentText, recentJson);

        var modeText = await quill.Balancer.AskAsync("mode");
        var modeJson = await JqAsync(control, "mode", @"to_entries | map((if .value then """" else ""no "" end) + .key) | join("" "")");
        Assert.Equal(modeText, modeJson);

        var status = await JqAsync(control, "status", @"[.listen, (.servers | length), .connections.accepted_total] | @tsv");
        Assert.Equal($"{quill.Balancer.Listen}\t2\t3\n", status);

        // health: "N addr A port P state S check C last T" per line, with one server draining so the states differ.
        await quill.Balancer.AskAsync("server 1 drain");
        var healthText = await quill.Balancer.AskAsync("health");
        var healthJson = await JqAsync(control, "health",
            @".[] | ""\(.index) addr \(.address) port \(.port) state \(.state) check \(.check) last \(.last)""");
        Assert.Contains(" state draining ", healthText, StringComparison.Ordinal);
        Assert.Equal(healthText, healthJson);
    }

    [ToolFact(Jq)]
    public async Task JsonAccessLog_OneLinePerConnection_WithCurlsByteCounts()
    {
        using var nginx = await NginxFixture.StartAsync("first body");
        using var directory = new TempDirectory();
        var log = directory.File("access.log");
        using var quill = await ObservedBalancer.StartAsync(["-o", "log_format json", "-l", log], [.. nginx.Specs]);

        // Two curls, so two connections.
        (long Sent, long Received)[] counts = [(await CurlAsync($"http://{quill.Listen}/a"))[0], (await CurlAsync($"http://{quill.Listen}/b"))[0]];
        var lines = await Eventually.LinesAsync(log, 2);
        var fields = await JqLinesAsync(log, "[.client, .server, .bytes_to_server, .bytes_to_client, .close, (.method // \"-\"), (.connect_seconds > 0)] | @tsv");

        // Without -H: one line per connection (curl opens one per URL here), bytes exactly as curl counted them.
        Assert.Equal(2, lines.Length);
        for (var i = 0; i < 2; i++)
            Assert.Equal($"127.0.0.1\t127.0.0.1\t{counts[i].Sent}\t{counts[i].Received}\tclosed\t-\ttrue", fields[i]);
    }

    [ToolFact(Jq)]
    public async Task JsonAccessLog_WithH_OneLinePerRequest_OnOneKeepAliveConnection()
    {
        using var nginx = await NginxFixture.StartAsync("a body of some length");
        using var directory = new TempDirectory();
        var log = directory.File("access.log");
        using var quill = await ObservedBalancer.StartAsync(["-H", "-o", "log_format json", "-l", log], [.. nginx.Specs]);

        // One curl, three URLs: curl keeps the connection alive between them.
        var counts = await CurlAsync($"http://{quill.Listen}/one", $"http://{quill.Listen}/two", $"http://{quill.Listen}/three");
        await Eventually.LinesAsync(log, 3);
        var fields = await JqLinesAsync(log, "[.method, .path, .bytes_to_server, .bytes_to_client, .client_port] | @tsv");

        Assert.Equal(3, fields.Length);
        string[] paths = ["/one", "/two", "/three"];
        for (var i = 0; i < 3; i++)
        {
            var f = fields[i].Split('\t');
            Assert.Equal(["GET", paths[i], (counts[i].Sent + ForwardedHeaderBytes).ToString(CultureInfo.InvariantCulture),
                counts[i].Received.ToString(CultureInfo.InvariantCulture)], f[..4]);
        }
        Assert.Single(fields.Select(f => f.Split('\t')[4]).Distinct());
        Assert.Contains("\nquill_http_requests_total 3\n", (await quill.GetAsync("/metrics")).Body, StringComparison.Ordinal);
    }

    /// <summary>
    /// With -H the log reads each answer's status line: nginx answers 200, a 404 of its own, and a gzip answer in
    /// chunks (no Content-Length), all on one keep-alive connection, so each next status line is found past a body.
    /// </summary>
    [ToolFact(Jq)]
    public async Task JsonAccessLog_WithH_HasEachAnswersStatus()
    {
        using var nginx = await NginxFixture.StartAsync(["found"],
            """location = /missing { return 404; } location = /gzip { gzip on; gzip_types text/plain; gzip_min_length 1; default_type text/plain; return 200 "a gzipped body, sent in chunks"; }""");
        using var directory = new TempDirectory();
        var log = directory.File("access.log");
        using var quill = await ObservedBalancer.StartAsync(["-H", "-o", "log_format json", "-l", log], [.. nginx.Specs]);

        await CurlAsync(["--compressed"], $"http://{quill.Listen}/one", $"http://{quill.Listen}/missing",
            $"http://{quill.Listen}/gzip", $"http://{quill.Listen}/two");
        await Eventually.LinesAsync(log, 4);

        Assert.Equal(["GET\t/one\t200", "GET\t/missing\t404", "GET\t/gzip\t200", "GET\t/two\t200"],
            await JqLinesAsync(log, "[.method, .path, .status] | @tsv"));
    }

    private static async Task<string> JqAsync(string control, string command, string filter)
    {
        var reply = await Penctl.RunQuillctlAsync("--json", control, command);
        Assert.Equal(0, reply.ExitCode);
        var jq = await ObservedBalancer.RunAsync(Jq, ["-r", filter], reply.Stdout);
        Assert.True(jq.ExitCode == 0, $"jq: {jq.Stderr} on {reply.Stdout}");
        return jq.Stdout;
    }

    private static async Task<string[]> JqLinesAsync(string file, string filter)
    {
        var jq = await ObservedBalancer.RunAsync(Jq, ["-r", filter, file]);
        Assert.True(jq.ExitCode == 0, $"jq: {jq.Stderr} on {await File.ReadAllTextAsync(file)}");
        return jq.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Fetches the URLs with one curl and returns, per transfer, the bytes it sent and received (headers included).</summary>
    private static Task<(long Sent, long Received)[]> CurlAsync(params string[] urls) => CurlAsync([], urls);

    private static async Task<(long Sent, long Received)[]> CurlAsync(string[] options, params string[] urls)
    {
        var curl = await ObservedBalancer.RunAsync(Curl.Executable,
            [.. options, "--silent", "--noproxy", "*", "--max-time", "10", "--write-out", "%{size_request} %{size_header} %{size_download}\\n",
                .. urls.SelectMany(url => new[] { "--output", "/dev/null", url })]);
        Assert.True(curl.ExitCode == 0, curl.Stderr);
        return curl.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var n = line.Split(' ').Select(w => long.Parse(w, CultureInfo.InvariantCulture)).ToArray();
            return (n[0], n[1] + n[2]);
        }).ToArray();
    }
}
