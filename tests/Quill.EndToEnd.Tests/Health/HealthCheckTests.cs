using System.Diagnostics;
using System.Globalization;
using System.Net;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Security;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Health;

/// <summary>
/// Active checks against real backends: nginx answering 503 on its check path (while still accepting and serving),
/// and a redis-server stopped with SIGSTOP (accepts, never answers). A client loop runs through quill the whole time
/// and must see no failed request; the times to take a server out and bring it back are bounded by fall × interval
/// and rise × interval, plus one interval (where the change fell between two checks) and a margin for this loaded
/// machine, and printed.
/// </summary>
public sealed class HealthCheckTests(ITestOutputHelper output)
{
    private const int Interval = 250;
    private const int Rise = 2;
    private const int Fall = 2;
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1.5);

    private static string[] CheckOptions(string check, int timeout) =>
        ["-r", "-o", $"check {check}", "-o", $"check_interval {Interval}", "-o", $"check_timeout {timeout}", "-o", $"rise {Rise}", "-o", $"fall {Fall}"];

    [Fact]
    public async Task Http503OnTheCheckPath_TakesTheServerOut_200BringsItBack_NoClientFails()
    {
        using var nginx = await CheckedNginx.StartAsync(2);
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, CheckOptions("http /health 200", 1000), nginx.Specs);
        await using var loop = new ClientLoop(() => AskHttpAsync(quill.Listen.Endpoint));
        Assert.True(await StateIsAsync(quill, 0, "up", "ok"), "server 0 never checked ok");

        await TakeOutAndBringBackAsync(quill, loop, "s0", nginx.Fail, nginx.Recover, Fall * Interval, "fail:status=503");

        await loop.DisposeAsync();
        Assert.Empty(loop.Failures);
    }

    [ToolFact(RedisServer.Executable)]
    public async Task StoppedRedis_IsTakenOutBySendExpect_NoClientFails()
    {
        const int timeout = 200;
        using var r0 = await RedisServer.StartAsync("r0");
        using var r1 = await RedisServer.StartAsync("r1");
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, CheckOptions("send PING\\r\\n expect +PONG", timeout), r0.Spec, r1.Spec);
        await using var loop = new ClientLoop(() => AskRedisAsync(quill.Listen.Endpoint));
        Assert.True(await StateIsAsync(quill, 0, "up", "ok"), "server 0 never checked ok");

        await TakeOutAndBringBackAsync(quill, loop, "r0", _ => r0.Pause(), _ => r0.Resume(), Fall * (Interval + timeout), "fail:timeout");

        await loop.DisposeAsync();
        Assert.Empty(loop.Failures);
    }

    private async Task TakeOutAndBringBackAsync(ControlledBalancer quill, ClientLoop loop, string name, Action<int> fail,
        Action<int> recover, int outWithinMs, string failure)
    {
        Assert.True(await loop.ServedSinceAsync(name, 0, TimeSpan.FromSeconds(10)), $"{name} served nobody before the failure");

        var clock = Stopwatch.StartNew();
        fail(0);
        Assert.True(await StateIsAsync(quill, 0, "down", failure), $"server 0 not down: {await quill.AskAsync("health")}");
        var tookOut = clock.Elapsed;
        var outAt = loop.Now;
        output.WriteLine($"{name}: down after {tookOut.TotalMilliseconds:F0} ms (fall x interval = {outWithinMs} ms)");
        Assert.True(tookOut < TimeSpan.FromMilliseconds(outWithinMs + Interval) + Margin, $"down after {tookOut}");

        // While it is down, clients keep being served, by the other server only.
        await Task.Delay(4 * Interval);
        var recoverAt = loop.Now;
        clock.Restart();
        recover(0);
        Assert.True(await StateIsAsync(quill, 0, "up", "ok"), $"server 0 not up: {await quill.AskAsync("health")}");
        var broughtBack = clock.Elapsed;
        var upAt = loop.Now;
        output.WriteLine($"{name}: up after {broughtBack.TotalMilliseconds:F0} ms (rise x interval = {Rise * Interval} ms)");
        Assert.True(broughtBack < TimeSpan.FromMilliseconds((Rise + 1) * Interval) + Margin, $"up after {broughtBack}");
        Assert.True(await loop.ServedSinceAsync(name, upAt, TimeSpan.FromSeconds(10)), $"{name} got no client after coming back");

        var whileDown = loop.Exchanges.Where(e => e.Start > outAt && e.End < recoverAt).ToList();
        output.WriteLine($"{loop.Exchanges.Count} exchanges, {whileDown.Count} while down; quill said:\n{quill.Process.StandardError}");
        Assert.NotEmpty(whileDown);
        var wrong = whileDown.Where(e => e.ServedBy == name).ToList();
        Assert.True(wrong.Count == 0, $"served by {name} while down (out at {outAt:F0} ms, recovered at {recoverAt:F0} ms): "
            + string.Join(", ", wrong.Select(e => $"{e.Start:F0}-{e.End:F0}")));
    }

    /// <summary>Polls <c>health</c> until server <paramref name="index"/> shows the state and check result.</summary>
    private static async Task<bool> StateIsAsync(ControlledBalancer quill, int index, string state, string check)
    {
        var line = await Eventually.ValueAsync(
            async () => (await quill.AskAsync("health")).Split('\n').FirstOrDefault(l => l.StartsWith($"{index} ", StringComparison.Ordinal)) ?? "",
            l => l.Contains($" state {state} check {check} ", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        return line.Contains($" state {state} check {check} ", StringComparison.Ordinal);
    }

    private static async Task<string?> AskHttpAsync(EndPoint quill)
    {
        var reply = await LoopbackClientHttp.GetAsync(quill, "/");
        return reply.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) ? reply.Split('\n')[^1].Trim() : null;
    }

    private static async Task<string?> AskRedisAsync(EndPoint quill)
    {
        // "$2\r\nr0\r\n": a stopped redis holds a client that reached it before it was taken out until it resumes.
        var reply = await RedisServer.AskAsync(quill, "GET name\r\n", 8, TimeSpan.FromSeconds(30));
        return reply.StartsWith("$2\r\n", StringComparison.Ordinal) ? reply[4..6] : null;
    }
}
