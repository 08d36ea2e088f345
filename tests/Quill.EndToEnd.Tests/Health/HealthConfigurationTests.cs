using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Health;

/// <summary>
/// The health commands in a <c>-F</c> file, read at start and again on HUP (a bad value there changes nothing), saved
/// by <c>write</c> and read back by a new quill; and the checks they start, which send bytes to every server ten
/// times a second, never show as client traffic (<c>servers</c>, <c>recent</c>).
/// </summary>
public sealed class HealthConfigurationTests
{
    private static string File(NamedBackends servers, params string[] health) => string.Join('\n',
    [
        "roundrobin",
        $"server 0 address 127.0.0.1 port {servers[0].Port}",
        $"server 1 address 127.0.0.1 port {servers[1].Port}",
        @"check send hi\r\n expect s",
        "rise 1",
        "fall 1",
        @"server 1 check send hi\r\n expect s1",
        .. health,
        "",
    ]);

    private static async Task<string> HealthWhenAsync(ControlledBalancer quill, Func<string[], bool> done) =>
        await Eventually.ValueAsync(() => quill.AskAsync("health"), r => done(r.Split('\n', StringSplitOptions.RemoveEmptyEntries)),
            TimeSpan.FromSeconds(15));

    [Fact]
    public async Task FileHupAndWrite_CarryEveryHealthSetting_ChecksAreNotClientTraffic()
    {
        using var servers = NamedBackends.Start(2);
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await System.IO.File.WriteAllTextAsync(file, File(servers, "check_interval 100"));
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-F", file]);

        var health = await HealthWhenAsync(quill, lines => lines.Length == 2 && lines.All(l => l.Contains(" state up check ok ")));
        Assert.True(await Eventually.TrueAsync(() => servers[0].Accepted >= 5 && servers[1].Accepted >= 5), health);
        // Each check sent "hi\r\n" and read a greeting: none of it, nor the connection, is the servers' client traffic.
        var listed = (await quill.AskAsync("servers")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, listed.Length);
        Assert.All(listed, line => Assert.Matches(" conn 0 .* sx 0 rx 0$", line));
        Assert.Equal("", await quill.AskAsync("recent"));

        // A bad value in the file on HUP: nothing changes.
        await System.IO.File.WriteAllTextAsync(file, File(servers, "check_interval 50", "server 1 maint"));
        quill.Process.SendSignal(PosixNative.SigHup);
        Assert.True(await Eventually.TrueAsync(() => quill.Process.StandardError.Contains("nothing changed", StringComparison.Ordinal)),
            quill.Process.StandardError);
        Assert.Contains($"{file}:8: check_interval: 50 out of range 100-86400000", quill.Process.StandardError, StringComparison.Ordinal);
        Assert.Equal("100\n", await quill.AskAsync("check_interval"));
        Assert.DoesNotContain(" state maint ", await quill.AskAsync("health"), StringComparison.Ordinal);

        // A good file on HUP: applied.
        await System.IO.File.WriteAllTextAsync(file, File(servers, "check_interval 300", "server 0 check_interval 200", "server 1 maint"));
        quill.Process.SendSignal(PosixNative.SigHup);
        await HealthWhenAsync(quill, lines => lines.Length == 2 && lines[1].Contains(" state maint "));
        Assert.Equal("300\n", await quill.AskAsync("check_interval"));

        var written = directory.File("written.cfg");
        Assert.Equal("", await quill.AskAsync($"write {written}"));
        var saved = await System.IO.File.ReadAllLinesAsync(written);
        Assert.Subset(saved.ToHashSet(),
            new HashSet<string> { "server 0 check_interval 200", @"server 1 check send hi\r\n expect s1", "server 1 maint",
                @"check send hi\r\n expect s", "check_interval 300", "rise 1", "fall 1" });

        // Read back by a new quill: the same settings and states.
        using (var second = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-F", written]))
        {
            await HealthWhenAsync(second, lines => lines.Length == 2 && lines[0].Contains(" state up check ok ") && lines[1].Contains(" state maint "));
            Assert.Equal("300\n", await second.AskAsync("check_interval"));
        }

        // default drops server 0's own interval: write no longer names it.
        Assert.Equal("", await quill.AskAsync("server 0 check_interval default"));
        Assert.Equal("", await quill.AskAsync($"write {written}"));
        Assert.DoesNotContain("server 0 check_interval 200", await System.IO.File.ReadAllLinesAsync(written));
    }
}
