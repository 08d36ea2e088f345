using System.Net;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>-l through real nginx backends: pen's line format, one line per request, on disk promptly, HUP rotation.</summary>
public sealed partial class AccessLogTests
{
    [GeneratedRegex(@"^127\.0\.0\.5 (\d+) 127\.0\.0\.[23] GET /r(\d) HTTP/1\.1$")]
    private static partial Regex RequestLine();

    [Fact]
    public async Task KeepAliveRequests_ThroughNginx_OneLineEachInPensFormatWithinASecond()
    {
        using var nginx = await LoggingNginx.StartAsync(2);
        using var directory = new TempDirectory();
        var log = directory.File("access.log");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-l", log], [.. nginx.Specs]);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using (var exchange = await HttpExchange.OpenAsync(listen.Endpoint, LoopbackClient.Source(5)))
        {
            for (var i = 0; i < 3; i++)
                Assert.StartsWith("web", await exchange.GetAsync($"/r{i}"), StringComparison.Ordinal);

            // Still connected: the lines must not wait for the connection to end or a buffer to fill.
            var lines = await Eventually.LinesAsync(log, 3, TimeSpan.FromSeconds(1));
            Assert.Equal(3, lines.Length);
            for (var i = 0; i < 3; i++)
            {
                var match = RequestLine().Match(lines[i]);
                Assert.True(match.Success, $"not pen's format: '{lines[i]}'");
                Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value);
                Assert.InRange(long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), before - 1, before + 5);
            }
        }

        Assert.Equal(0, await quill.StopAsync());
    }

    [Fact]
    public async Task MoveAndHup_UnderContinuousTraffic_LosesNoLine()
    {
        const int Requests = 300;
        using var nginx = await LoggingNginx.StartAsync(1);
        using var directory = new TempDirectory();
        var log = directory.File("access.log");
        var pidFile = directory.File("quill.pid");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-l", log, "-p", pidFile], [.. nginx.Specs]);

        var traffic = Task.Run(async () =>
        {
            for (var i = 0; i < Requests; i++)
                await HttpExchange.GetOnceAsync(listen.Endpoint, LoopbackClient.Source(5), $"/r{i % 10}");
        });
        var rotations = 0;
        while (!traffic.IsCompleted && rotations < 5)
        {
            await Task.Delay(50);
            File.Move(log, $"{log}.{++rotations}");
            quill.SendSignal(Hup);
            // The reopen creates the file again; rotate the next time only after that, as logrotate would.
            Assert.True(await Eventually.TrueAsync(() => File.Exists(log)), $"no new {log} after HUP {rotations}");
        }

        await traffic;
        Assert.True(rotations >= 2, $"traffic ended after {rotations} rotations; make it longer");
        Assert.Equal(0, await quill.StopAsync());

        var files = Directory.GetFiles(directory.Path, "access.log*");
        var total = files.Sum(f => Eventually.Read(f).Length);
        Assert.Equal(Requests, total);
        Assert.Contains(log, files);
        Assert.True(files.Count(f => Eventually.Read(f).Length > 0) >= 2, "every line went to one file: the rotation did nothing");
        Assert.False(File.Exists(pidFile), "the pidfile outlived the process");
    }

    private const int Hup = 1;
}
