using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Security;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Observation;

/// <summary>The live status page at /, loaded by a real headless Chromium after its script ran.</summary>
public sealed class StatusPageTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    [ToolFact(Chromium)]
    public async Task Page_RendersEveryServerWithItsState_AndShowsAKilledBackendBlacklisted()
    {
        NamedBackend[] servers = [NamedBackend.OnLoopback("s0"), NamedBackend.OnLoopback("s1"), NamedBackend.OnLoopback("s2")];
        using var quill = await ObservedBalancer.StartAsync(["-r"], [.. servers.Select(s => s.Spec)]);
        try
        {
            foreach (var _ in Enumerable.Range(0, 3)) await LoopbackClient.AskAsync(quill.Listen);
            var before = await RenderedRowsAsync(quill, null);
            Assert.Equal(["0:up", "1:up", "2:up"], before);

            // Kill backend 1; the next client round robin sends there fails over, and the server is blacklisted.
            servers[1].Dispose();
            foreach (var _ in Enumerable.Range(0, 3)) await LoopbackClient.AskAsync(quill.Listen);
            var screenshot = Path.Combine(RepositoryLayout.Root, "TestResults", "status-page.png");
            var after = await RenderedRowsAsync(quill, screenshot);

            Assert.Equal(["0:up", "1:blacklisted", "2:up"], after);
            Assert.True(File.Exists(screenshot));
            output.WriteLine($"screenshot: {screenshot}");
        }
        finally
        {
            // The one killed above is disposed already.
            foreach (var server in servers.Where((_, i) => i != 1)) server.Dispose();
        }
    }

    /// <summary>
    /// The page stays open across the kill and is never reloaded: its own refreshes (every second here) must show the
    /// killed backend blacklisted or down by the second refresh after the failed connect that blacklisted it.
    /// </summary>
    [ToolFact(Chromium)]
    public async Task OpenPage_KilledBackend_ShownBlacklistedWithinTwoRefreshes()
    {
        NamedBackend[] servers = [NamedBackend.OnLoopback("s0"), NamedBackend.OnLoopback("s1")];
        using var quill = await ObservedBalancer.StartAsync(["-r"], [.. servers.Select(s => s.Spec)]);
        try
        {
            using var page = await HeadlessPage.OpenAsync(Chromium, quill.WebUrl + "/?refresh=1");
            const string Read = """
                (document.body.dataset.updated || "0") + " " +
                Array.from(document.querySelectorAll("tr.server")).map(r => r.dataset.index + ":" + r.dataset.state).join(",")
                """;
            var shown = await Eventually.ValueAsync(() => page.EvaluateAsync(Read), v => v.EndsWith(" 0:up,1:up", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
            Assert.EndsWith(" 0:up,1:up", shown, StringComparison.Ordinal);

            servers[1].Dispose();
            foreach (var _ in Enumerable.Range(0, 2)) await LoopbackClient.AskAsync(quill.Listen);
            var refreshesAtKill = Refreshes(await page.EvaluateAsync(Read));
            var after = await Eventually.ValueAsync(() => page.EvaluateAsync(Read),
                v => v.EndsWith(" 0:up,1:blacklisted", StringComparison.Ordinal) || v.EndsWith(" 0:up,1:down", StringComparison.Ordinal),
                TimeSpan.FromSeconds(20));

            output.WriteLine($"refreshes when blacklisted: {refreshesAtKill}; shown as '{after}'");
            Assert.Matches(" 0:up,1:(blacklisted|down)$", after);
            Assert.InRange(Refreshes(after), refreshesAtKill, refreshesAtKill + 2);
        }
        finally
        {
            servers[0].Dispose();
        }
    }

    private static int Refreshes(string shown) => int.Parse(shown.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The server rows as "index:state", read from the DOM Chromium dumps after two refreshes of the page.</summary>
    private static async Task<string[]> RenderedRowsAsync(ObservedBalancer quill, string? screenshot)
    {
        // --virtual-time-budget lets the page's timers and fetches run before the DOM is dumped; ?refresh=1 makes
        // two refreshes fit in it.
        string[] common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=2500"];
        var url = quill.WebUrl + "/?refresh=1";
        var dump = await ObservedBalancer.RunAsync(Chromium, [.. common, "--dump-dom", url]);
        Assert.True(dump.ExitCode == 0, dump.Stderr);
        Assert.Matches(@"<body data-updated=""[2-9]""", dump.Stdout);
        if (screenshot is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            var shot = await ObservedBalancer.RunAsync(Chromium, [.. common, "--window-size=420,760", $"--screenshot={screenshot}", url]);
            Assert.True(shot.ExitCode == 0, shot.Stderr);
        }
        return Regex.Matches(dump.Stdout, @"<tr class=""server"" data-index=""(\d+)"" data-state=""([a-z]+)"">")
            .Select(m => $"{m.Groups[1].Value}:{m.Groups[2].Value}").ToArray();
    }
}
