using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Udp;

/// <summary>-U with real DNS: dig in front, two dnsmasq servers behind, each answering with its own address.</summary>
public sealed class DnsThroughBalancerTests
{
    private const string First = "127.0.0.11";
    private const string Second = "127.0.0.12";

    private static void RequireTools()
    {
        Assert.True(Dig.IsInstalled, $"dig is needed at {Dig.Executable} (apt-get install dnsutils)");
        Assert.True(DnsmasqServer.IsInstalled, $"dnsmasq is needed at {DnsmasqServer.Executable} (apt-get install dnsmasq-base)");
    }

    private static async Task<(BalancerProcess Balancer, int Port)> StartAsync(
        BalancerKind kind, IEnumerable<string> options, params DnsmasqServer[] servers)
    {
        var port = FreePorts.Next();
        var balancer = BalancerProcess.Launch(kind, ["-f", "-U", .. options, $"127.0.0.1:{port}", .. servers.Select(s => s.Spec)]);
        try
        {
            await BoundUdpPorts.WaitAsync(port, () => balancer.HasExited, kind.ToString());
            return (balancer, port);
        }
        catch
        {
            balancer.Dispose();
            throw;
        }
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Dig_ThreeClientsTwice_EachClientSticksToTheServerItGotFirst(BalancerKind kind)
    {
        RequireTools();
        using var first = await DnsmasqServer.StartAsync(First);
        using var second = await DnsmasqServer.StartAsync(Second);
        var (balancer, port) = await StartAsync(kind, [], first, second);
        using var _ = balancer;

        var answers = new List<string>();
        foreach (var client in new[] { 21, 22, 23, 21, 22, 23 })
            answers.Add(await Dig.AskAsync(port, client));

        Assert.Equal([Second, First, Second, Second, First, Second], answers);
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Dig_RoundRobin_EveryQueryTakesTheNextServer(BalancerKind kind)
    {
        RequireTools();
        using var first = await DnsmasqServer.StartAsync(First);
        using var second = await DnsmasqServer.StartAsync(Second);
        var (balancer, port) = await StartAsync(kind, ["-r"], first, second);
        using var _ = balancer;

        var answers = new List<string>();
        for (var i = 0; i < 4; i++) answers.Add(await Dig.AskAsync(port, 21));

        Assert.Equal([Second, First, Second, First], answers);
    }

    /// <summary>Quill only: pen 0.34.1 fails over only when connect fails, which a UDP connect does not.</summary>
    [Fact]
    public async Task Dig_StickyServerStops_NextQueryIsAnsweredByTheOtherAtTheFirstTry()
    {
        RequireTools();
        var first = await DnsmasqServer.StartAsync(First);
        using var second = await DnsmasqServer.StartAsync(Second);
        var (balancer, port) = await StartAsync(BalancerKind.Quill, ["-d"], first, second);
        using var _ = balancer;
        Assert.Equal(Second, await Dig.AskAsync(port, 21));
        Assert.Equal(First, await Dig.AskAsync(port, 22));

        first.Dispose();
        var afterStop = await Dig.AskAsync(port, 22, tries: 1, seconds: 3);
        var again = await Dig.AskAsync(port, 22, tries: 1, seconds: 3);

        Assert.Equal(Second, afterStop);
        Assert.Equal(Second, again);
        Assert.Contains("blacklisting server 0 because connect to ", balancer.StandardError);
    }

    /// <summary>Quill only: pen 0.34.1 keeps UDP sessions until the table needs their slot.</summary>
    [Fact]
    public async Task Dig_IdleTimeout_SessionsEnd()
    {
        RequireTools();
        using var first = await DnsmasqServer.StartAsync(First);
        var (balancer, port) = await StartAsync(BalancerKind.Quill, ["-d", "-o", "idle_timeout 1"], first);
        using var _ = balancer;

        Assert.Equal(First, await Dig.AskAsync(port, 21));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!balancer.StandardError.Contains("ended: idle for 1 s", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(50);

        Assert.Contains("UDP session of 127.0.0.21:", balancer.StandardError);
        Assert.Contains("ended: idle for 1 s", balancer.StandardError);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
    }
}
