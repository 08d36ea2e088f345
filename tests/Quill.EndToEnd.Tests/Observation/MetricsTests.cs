using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Security;
using Quill.EndToEnd.Tests.Udp;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Observation;

/// <summary>/metrics read by the real promtool and scraped by a real Prometheus server.</summary>
public sealed partial class MetricsTests(ITestOutputHelper output)
{
    private const string Promtool = "/usr/bin/promtool";
    private const string Prometheus = "/usr/bin/prometheus";

    [ToolFact(Promtool)]
    public async Task Scrape_UnderTraffic_PassesPromtoolAndCountsEachServer()
    {
        using var servers = NamedBackends.Start(2);
        using var quill = await ObservedBalancer.StartAsync(["-r", "-H"], servers.Specs);
        // Traffic runs while the scrapes happen: 10 clients per server (round robin), scraped in between.
        var traffic = Task.WhenAll(Enumerable.Range(0, 20).Select(_ => LoopbackClient.AskAsync(quill.Listen)));
        var (_, during) = await quill.GetAsync("/metrics");
        await traffic;
        // A client has its answer before quill counts the connection's end: scrape until the last one is counted.
        var (contentType, after) = await Eventually.ValueAsync(() => quill.GetAsync("/metrics"),
            s => Sample(s.Body, "quill_server_received_bytes_total", "0") >= 30);

        Assert.StartsWith("text/plain; version=0.0.4", contentType, StringComparison.Ordinal);
        foreach (var scrape in new[] { during, after })
        {
            var check = await ObservedBalancer.RunAsync(Promtool, ["check", "metrics"], scrape);
            Assert.True(check.ExitCode == 0, $"promtool: {check.Stdout}{check.Stderr}");
        }
        Assert.Equal(10, Sample(after, "quill_server_connections_total", "0"));
        Assert.Equal(10, Sample(after, "quill_server_connections_total", "1"));
        Assert.Equal(10, Sample(after, "quill_server_connect_duration_seconds_count", "0"));
        Assert.Equal(30, Sample(after, "quill_server_received_bytes_total", "0")); // "s0\n" ten times
        Assert.Contains("quill_connections_accepted_total 20\n", after, StringComparison.Ordinal);
        Assert.Matches(@"quill_build_info\{version=""\d+\.\d+\.\d+"",runtime="".NET [^""]+""\} 1", after);
        Assert.Matches(@"\nprocess_open_fds \d+\n", after);
    }

    /// <summary>
    /// Each kind of event moves its metric: a failed connect (refused) with its blacklisting and failover, clients
    /// evicted from a 2-slot table, a client refused by client_acl, control commands, and a good and a bad reload.
    /// </summary>
    [Fact]
    public async Task Scrape_AfterEachKindOfEvent_ItsMetricMoves()
    {
        using var live = NamedBackend.OnLoopback("s1");
        var dead = FreePorts.Next();
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        var config = $"server 0 address 127.0.0.1 port {dead}\nserver 1 address {live.Spec.Split(':')[0]} port {live.Spec.Split(':')[1]}\n";
        await File.WriteAllTextAsync(file, config);
        using var quill = await ObservedBalancer.StartAsync(["-r", "-c", "2", "-o", "acl 1 deny 127.0.0.99", "-o", "client_acl 1", "-F", file]);
        var (_, before) = await quill.GetAsync("/metrics");

        foreach (var source in new[] { 2, 3, 4, 5 })
            Assert.Equal("s1", await LoopbackClient.AskAsync(quill.Listen, LoopbackClient.Source(source)));
        Assert.Equal("", await LoopbackClient.AskAsync(quill.Listen, LoopbackClient.Source(99)));
        Assert.Equal($"reload: {file} applied\n", await quill.Balancer.AskAsync("reload"));
        await File.WriteAllTextAsync(file, config + "no_such_command\n");
        Assert.Contains("nothing changed", await quill.Balancer.AskAsync("reload"), StringComparison.Ordinal);
        var (_, after) = await quill.GetAsync("/metrics");

        Assert.Equal(1, Value(after, $"quill_server_connect_failures_total{{server=\"0\",address=\"127.0.0.1:{dead}\",reason=\"refused\"}}"));
        Assert.Equal(1, Value(after, $"quill_server_blacklistings_total{{server=\"0\",address=\"127.0.0.1:{dead}\"}}"));
        Assert.Equal(1, Value(after, $"quill_server_state{{server=\"0\",address=\"127.0.0.1:{dead}\",state=\"blacklisted\"}}"));
        Assert.Equal(4, Value(after, $"quill_server_connections_total{{server=\"1\",address=\"{live.Spec}\"}}"));
        Assert.Equal(0, Value(after, $"quill_server_connections_open{{server=\"1\",address=\"{live.Spec}\"}}"));
        Assert.Equal(1, Value(after, "quill_clients_refused_total{reason=\"acl\"}"));
        // The refused client was accepted, but not stored in the table (pen stores it): four clients in two slots.
        Assert.Equal(5, Value(after, "quill_connections_accepted_total"));
        Assert.Equal(2, Value(after, "quill_client_table_capacity"));
        Assert.Equal(2, Value(after, "quill_client_table_entries"));
        Assert.Equal(2, Value(after, "quill_client_table_evictions_total"));
        Assert.Equal(1, Value(after, "quill_config_reloads_total{result=\"success\"}"));
        Assert.Equal(1, Value(after, "quill_config_reloads_total{result=\"failure\"}"));
        Assert.True(Value(after, "quill_control_commands_total") >= Value(before, "quill_control_commands_total") + 2);
        Assert.True(Value(after, "process_resident_memory_bytes") > 1 << 20);
        Assert.True(Value(after, "process_threads") > 1);
        Assert.True(Value(after, "dotnet_gc_allocated_bytes_total") > 0);
        Assert.True(Value(after, "quill_uptime_seconds") >= 0);
    }

    /// <summary>-U: each client's first datagram starts a session (dig asks from a new port each time), and
    /// quill_udp_sessions_total counts them.</summary>
    [Fact]
    public async Task Scrape_UdpBalancer_CountsSessions()
    {
        Assert.True(Dig.IsInstalled, $"dig is needed at {Dig.Executable} (apt-get install dnsutils)");
        Assert.True(DnsmasqServer.IsInstalled, $"dnsmasq is needed at {DnsmasqServer.Executable} (apt-get install dnsmasq-base)");
        using var dns = await DnsmasqServer.StartAsync("127.0.0.11");
        var port = FreePorts.Next();
        var webPort = FreePorts.Next();
        using var quill = BalancerProcess.Launch(BalancerKind.Quill,
            ["-f", "-U", "--web-listen", $"127.0.0.1:{webPort}", $"127.0.0.1:{port}", dns.Spec]);
        await BoundUdpPorts.WaitAsync(port, () => quill.HasExited, "quill");
        await quill.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, webPort));
        var (_, before) = await ObservedBalancer.GetAsync(webPort, "/metrics");

        foreach (var client in new[] { 21, 22, 21 })
            Assert.Equal("127.0.0.11", await Dig.AskAsync(port, client));
        var (_, after) = await ObservedBalancer.GetAsync(webPort, "/metrics");

        Assert.Equal(0, Value(before, UdpSessions));
        Assert.Equal(3, Value(after, UdpSessions));
        Assert.Equal(0, Value(after, "quill_connections_accepted_total"));
    }

    /// <summary>-x never refuses a client (as in pen): it waits in the backlog, and the wait is counted.</summary>
    [Fact]
    public async Task Scrape_AtTheConnectionLimit_CountsTheWaitAndTheClientIsServedLater()
    {
        using var servers = NamedBackends.Start(1, holdOpen: true);
        using var quill = await ObservedBalancer.StartAsync(["-x", "1"], servers.Specs);
        using var held = new HeldConnections();
        Assert.Equal("s0", await held.OpenAsync(quill.Listen));

        using var waiting = await LoopbackClient.ConnectAsync(quill.Listen);
        var reached = Value(await Eventually.ValueAsync(() => ScrapeAsync(quill), s => Value(s, LimitReached) >= 1), LimitReached);
        held.Dispose();

        Assert.True(reached >= 1, $"quill_connections_limit_reached_total {reached}");
        Assert.Equal("s0", await LoopbackClient.ReadLineAsync(waiting));
    }

    /// <summary>Health checks are counted by result, and their duration goes in the histogram.</summary>
    [Fact]
    public async Task Scrape_WithHealthChecks_CountsResultsAndDurations()
    {
        using var live = NamedBackend.OnLoopback("s1");
        var dead = FreePorts.Next();
        using var quill = await ObservedBalancer.StartAsync(
            ["-o", "check tcp", "-o", "check_interval 100"], $"127.0.0.1:{dead}", live.Spec);

        // Down once fall checks in a row failed (fall's default), counted by result all along.
        var downState = $"quill_server_state{{server=\"0\",address=\"127.0.0.1:{dead}\",state=\"down\"}}";
        var scrape = await Eventually.ValueAsync(() => ScrapeAsync(quill), s => Value(s, downState) == 1);

        Assert.Equal(1, Value(scrape, downState));
        Assert.True(Sum(scrape, $"quill_server_health_checks_total{{server=\"0\",address=\"127.0.0.1:{dead}\",result=\"fail:") >= 2, scrape);
        Assert.True(Value(scrape, $"quill_server_health_checks_total{{server=\"1\",address=\"{live.Spec}\",result=\"ok\"}}") >= 2, scrape);
        Assert.True(Value(scrape, $"quill_server_health_check_duration_seconds_count{{server=\"1\",address=\"{live.Spec}\"}}") >= 2, scrape);
    }

    private const string LimitReached = "quill_connections_limit_reached_total";
    private const string UdpSessions = "quill_udp_sessions_total";

    private static async Task<string> ScrapeAsync(ObservedBalancer quill) => (await quill.GetAsync("/metrics")).Body;

    /// <summary>The sum of the samples whose name and labels start so.</summary>
    private static double Sum(string scrape, string prefix) => scrape.Split('\n')
        .Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>The value of the sample named exactly so (labels included), or -1 when the scrape has none.</summary>
    private static double Value(string scrape, string sample)
    {
        var line = scrape.Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? -1 : double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>process_open_fds is /proc/PID/fd's count (one statx on Linux 6.2 and later), held connections included.</summary>
    [Fact]
    public async Task Scrape_ProcessOpenFds_CountsEveryDescriptor()
    {
        using var servers = NamedBackends.Start(1, holdOpen: true);
        using var quill = await ObservedBalancer.StartAsync([], servers.Specs);
        using var held = new HeldConnections();
        for (var i = 0; i < 40; i++) await held.OpenAsync(quill.Listen);
        var pid = quill.Balancer.Process.Pid;
        int Listed() => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

        // A first scrape makes what the web server opens once (.NET's socket engine: an epoll descriptor and its pipe).
        await quill.GetAsync("/metrics");
        var before = Listed();
        var (_, scrape) = await quill.GetAsync("/metrics");
        var after = Listed();

        var reported = long.Parse(Regex.Match(scrape, @"\nprocess_open_fds (\d+)\n").Groups[1].Value, CultureInfo.InvariantCulture);
        // Counted while the scrape is served: its own connection and what serving it holds for the moment (two at
        // most seen) come on top of the listings; 40 held connections hold 80 descriptors.
        Assert.InRange(reported, Math.Min(before, after), Math.Max(before, after) + 2);
        Assert.True(before >= 80, $"{before} descriptors with 40 connections held");
    }

    [Fact]
    public async Task Scrape_AcceptOpenMetrics_AnswersOpenMetricsEndingInEof()
    {
        using var servers = NamedBackends.Start(1);
        using var quill = await ObservedBalancer.StartAsync([], servers.Specs);

        var (contentType, body) = await quill.GetAsync("/metrics", "application/openmetrics-text; version=1.0.0,text/plain;q=0.5");

        Assert.StartsWith("application/openmetrics-text; version=1.0.0", contentType, StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE quill_server_connections counter\n", body, StringComparison.Ordinal);
        Assert.Contains("# UNIT quill_server_sent_bytes bytes\n", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE quill_build info\n", body, StringComparison.Ordinal);
    }

    [ToolFact(Prometheus)]
    public async Task RealPrometheus_ScrapesQuill_QueryReturnsEachServersConnections()
    {
        using var servers = NamedBackends.Start(2);
        using var quill = await ObservedBalancer.StartAsync(["-r"], servers.Specs);
        foreach (var _ in Enumerable.Range(0, 6)) await LoopbackClient.AskAsync(quill.Listen);
        using var directory = new TempDirectory();
        var port = FreePorts.Next();
        var config = Path.Combine(directory.Path, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: quill
                static_configs:
                  - targets: ["127.0.0.1:{quill.WebPort}"]
            """);
        var start = new ProcessStartInfo(Prometheus) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { $"--config.file={config}", $"--storage.tsdb.path={directory.Path}/data",
                     $"--web.listen-address=127.0.0.1:{port}" })
            start.ArgumentList.Add(argument);
        using var prometheus = Process.Start(start)!;
        var log = prometheus.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
            var query = $"http://127.0.0.1:{port}/api/v1/query?query=quill_server_connections_total";
            var results = await Eventually.ValueAsync(async () =>
            {
                try
                {
                    using var answer = JsonDocument.Parse(await http.GetStringAsync(query));
                    return answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                        .ToDictionary(r => r.GetProperty("metric").GetProperty("server").GetString()!,
                            r => r.GetProperty("value")[1].GetString()!);
                }
                catch (HttpRequestException)
                {
                    return [];
                }
            }, r => r.Count == 2, TimeSpan.FromSeconds(60));

            output.WriteLine(string.Join(", ", results.Select(r => $"server {r.Key}: {r.Value}")));
            Assert.Equal("3", results["0"]);
            Assert.Equal("3", results["1"]);
        }
        finally
        {
            prometheus.Kill();
            await prometheus.WaitForExitAsync();
            output.WriteLine((await log).Split('\n').LastOrDefault(l => l.Contains("quill", StringComparison.Ordinal)) ?? "");
        }
    }

    private static long Sample(string scrape, string name, string server)
    {
        var match = Regex.Match(scrape, $@"\n{name}\{{server=""{server}""[^}}]*\}} (\d+)\n");
        Assert.True(match.Success, $"no {name} for server {server}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
