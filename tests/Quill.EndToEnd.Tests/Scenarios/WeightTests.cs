using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

public sealed class WeightTests
{
    /// <summary>
    /// -W picks the server with the fewest connections per weight (256*c/weight, ties to the lowest index). With
    /// weights 1 and 3 and every connection held open, 12 connections end up 3 and 9. -r keeps the client table
    /// from sending every connection from 127.0.0.1 back to its first server.
    /// </summary>
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Weight_OneToThree_SplitsHeldConnectionsOneToThree(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(2, holdOpen: true);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-r", "-W"], servers.SpecsWith(":0:0:1", ":0:0:3"));

        using var held = new HeldConnections();

        var answers = new List<string>();
        // Each greeting proves the upstream connect completed, so the balancer counts that connection.
        for (var i = 0; i < 12; i++)
            answers.Add(await held.OpenAsync(listen.Endpoint));

        Assert.Equal(3, answers.Count(answer => answer == "s0"));
        Assert.Equal(9, answers.Count(answer => answer == "s1"));
        Assert.Equal(3, servers[0].Open);
        Assert.Equal(9, servers[1].Open);
    }
}
