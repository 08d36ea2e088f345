using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

public sealed class RoundRobinTests
{
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task RoundRobin_FirstPickIsServerOneThenWraps(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(3);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-r"], servers.Specs);

        var answers = new List<string>();
        for (var i = 0; i < 7; i++)
            answers.Add(await LoopbackClient.AskAsync(listen.Endpoint));

        Assert.Equal(["s1", "s2", "s0", "s1", "s2", "s0", "s1"], answers);
    }
}
