using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Http;

/// <summary>-H under load from the real wrk: many keep-alive requests on a few connections, every one carrying the header.</summary>
public sealed partial class WrkTests
{
    private const string Wrk = "/usr/bin/wrk";

    [Fact]
    public async Task Wrk_KeepAliveLoad_EveryRequestNginxLogsCarriesTheClientAddress()
    {
        if (!File.Exists(Wrk))
        {
            Console.WriteLine($"skipped: {Wrk} is not installed (test.sh installs it)");
            return;
        }
        using var nginx = await RecordingNginx.StartAsync("web");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-H"], [.. nginx.Specs]);

        var completed = await RunWrkAsync($"http://127.0.0.1:{((IPEndPoint)listen.Endpoint).Port}/");

        var logged = await nginx.RequestsAsync("web", completed);
        Assert.True(completed > 50, $"wrk completed only {completed} requests");
        // nginx may also log requests wrk stopped waiting for at the end of its run.
        Assert.InRange(logged.Length, completed, completed + 4);
        Assert.All(logged, r => Assert.Equal(("127.0.0.1", "http"), (r.ForwardedFor, r.ForwardedProto)));
        // Keep-alive held: nginx ends a connection after 1000 requests (keepalive_requests), wrk then opens another.
        var connections = logged.Select(r => r.Connection).Distinct().Count();
        Assert.True(logged.Length >= 100 * connections, $"{logged.Length} requests over {connections} connections");
    }

    /// <summary>Runs wrk for a second on 4 connections and returns the number of requests it completed.</summary>
    private static async Task<int> RunWrkAsync(string url)
    {
        var start = new ProcessStartInfo(Wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-t1", "-c4", "-d1s", "--timeout", "2s", url])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await process.WaitForExitAsync(deadline.Token);
        var text = await output;
        Assert.True(process.ExitCode == 0, $"wrk exited with {process.ExitCode}: {await error}");
        Assert.DoesNotContain("Non-2xx", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Socket errors", text, StringComparison.Ordinal);
        var match = RequestsLine().Match(text);
        Assert.True(match.Success, $"no request count in wrk's output: {text}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();
}
