using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>pen's companion tools against quill's log and real nginx logs: the real mergelogs and penlogd, and quill's own.</summary>
public sealed partial class CompanionToolTests
{
    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex TimeField();

    [Fact]
    public async Task Mergelogs_PensAndQuills_SameOutputFromQuillLogAndNginxLogs()
    {
        Assert.True(File.Exists(OperationsLayout.PenMergelogs), $"pen's mergelogs is needed at {OperationsLayout.PenMergelogs}");
        using var nginx = await LoggingNginx.StartAsync(2);
        using var directory = new TempDirectory();
        var log = directory.File("quill.log");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using (var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-r", "-l", log], [.. nginx.Specs]))
        {
            for (var client = 5; client <= 8; client++)
            {
                for (var i = 0; i < 3; i++)
                    await HttpExchange.GetOnceAsync(listen.Endpoint, LoopbackClient.Source(client), $"/c{client}-{i}");
            }

            Assert.Equal(0, await quill.StopAsync());
        }

        Assert.Equal(12, Eventually.Read(log).Length);
        var webLines = (await nginx.WaitForLinesAsync(0, 6)).Length + (await nginx.WaitForLinesAsync(1, 6)).Length;
        Assert.Equal(12, webLines);
        string[] servers = [$"{nginx.EndPoints[0].Address}:{nginx.AccessLog(0)}", $"{nginx.EndPoints[1].Address}:{nginx.AccessLog(1)}"];

        var pens = await ProcessTests.RunCommandAsync(OperationsLayout.PenMergelogs, directory.Path, ["-c", "-p", log, .. servers]);
        var quills = await ProcessTests.RunCommandAsync(OperationsLayout.QuillCtl, directory.Path, ["mergelogs", "-c", "-p", log, .. servers]);
        var quillsCached = await ProcessTests.RunCommandAsync(OperationsLayout.QuillCtl, directory.Path, ["mergelogs", "-p", log, .. servers]);

        Assert.Equal(0, pens.Exit);
        Assert.True(quills.Exit == 0, quills.Error);
        var quillLines = Lines(quills.Output);
        Assert.Equal(12, quillLines.Length);
        Assert.All(quillLines, line => Assert.Matches(@"^127\.0\.0\.[5-8] - - \[", line));
        Assert.All(quillLines, line => Assert.Contains($"GET /c{line.Split(' ')[0].Split('.')[3]}-", line, StringComparison.Ordinal));
        // pen's mergelogs leaves tm_isdst unset, which shifts some of its times by an hour; everything else must agree.
        Assert.Equal(WithoutTimes(pens.Output), WithoutTimes(quills.Output));
        Assert.Equal(quills.Output, quillsCached.Output);
    }

    [Theory]
    [InlineData("pen")]
    [InlineData("quill")]
    public async Task Penlogd_GetsQuillsDatagramsAndAWebLineFromPenlog_WritesTheRealClient(string penlogd)
    {
        Assert.True(penlogd == "quill" || File.Exists(OperationsLayout.PenPenlogd), $"pen's penlogd is needed at {OperationsLayout.PenPenlogd}");
        using var nginx = await LoggingNginx.StartAsync(1);
        using var directory = new TempDirectory();
        var merged = directory.File("merged.log");
        var port = FreeUdpPort();
        string[] arguments = ["-f", "-b", "-l", merged, port.ToString(CultureInfo.InvariantCulture)];
        using var collector = Process.Start(StartInfo(penlogd == "pen" ? OperationsLayout.PenPenlogd : OperationsLayout.QuillCtl,
            penlogd == "pen" ? arguments : ["penlogd", .. arguments]))!;
        try
        {
            Assert.True(await Eventually.TrueAsync(() => IsUdpBound(port)), "penlogd did not bind its port");
            var listen = ListenAddress.Loopback(FreePorts.Next());
            using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-l", $"127.0.0.1:{port}"], [.. nginx.Specs]);

            Assert.Equal("web0", await HttpExchange.GetOnceAsync(listen.Endpoint, LoopbackClient.Source(5), "/penlogd"));
            var webLine = Assert.Single(await nginx.WaitForLinesAsync(0, 1));
            Assert.StartsWith("127.0.0.1 ", webLine, StringComparison.Ordinal);

            // The web server's piped log: sent from the address quill knows the server by.
            var sender = await ProcessTests.RunCommandAsync(OperationsLayout.QuillCtl, directory.Path,
                ["penlog", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), nginx.EndPoints[0].Address.ToString()], webLine + "\n");
            Assert.True(sender.Exit == 0, sender.Error);

            var line = Assert.Single(await Eventually.LinesAsync(merged, 1));
            Assert.Equal("127.0.0.5" + webLine[webLine.IndexOf(' ', StringComparison.Ordinal)..], line);
            Assert.Equal(0, await quill.StopAsync());
        }
        finally
        {
            collector.Kill();
            await collector.WaitForExitAsync();
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] WithoutTimes(string text) => [.. Lines(text).Select(l => TimeField().Replace(l, "[]")).Order(StringComparer.Ordinal)];

    private static ProcessStartInfo StartInfo(string executable, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static bool IsUdpBound(int port)
    {
        var wanted = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/udp").Skip(1)
            .Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var local, ..] && local.EndsWith(wanted, StringComparison.Ordinal));
    }
}
