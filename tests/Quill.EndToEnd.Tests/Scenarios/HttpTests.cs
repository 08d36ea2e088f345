using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

/// <summary>HTTP through the balancer with real peers on both sides: curl in front, nginx behind.</summary>
public sealed class HttpTests
{
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task CurlThroughBalancer_ToTwoNginxServers_AlternatesWithRoundRobin(BalancerKind kind)
    {
        Assert.True(NginxFixture.IsInstalled, $"nginx is needed at {NginxFixture.Executable}");
        Assert.True(Curl.IsInstalled, $"curl is needed at {Curl.Executable}");
        using var nginx = await NginxFixture.StartAsync("nginx-a", "nginx-b");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-r"], [.. nginx.Specs]);

        var bodies = new List<string>();
        for (var i = 0; i < 4; i++)
            bodies.Add(await Curl.GetAsync($"http://127.0.0.1:{((System.Net.IPEndPoint)listen.Endpoint).Port}/"));

        Assert.Equal(["nginx-b", "nginx-a", "nginx-b", "nginx-a"], bodies);
    }
}
