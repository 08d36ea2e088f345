using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

public sealed class StickinessTests
{
    private const int Clients = 6;
    private const int Rounds = 3;

    /// <summary>
    /// Without -r each client address keeps the server it got first. New clients are spread round robin, the first
    /// one to server 1, so the n-th new client (counting from 0) gets server (n + 1) mod 3.
    /// </summary>
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task DefaultMode_EachSourceAddressKeepsItsServer(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(3);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, [], servers.Specs);

        var answers = new string[Clients, Rounds];
        for (var round = 0; round < Rounds; round++)
        {
            for (var client = 0; client < Clients; client++)
                answers[client, round] = await LoopbackClient.AskAsync(listen.Endpoint, LoopbackClient.Source(client + 2));
        }

        for (var client = 0; client < Clients; client++)
        {
            for (var round = 0; round < Rounds; round++)
                Assert.Equal(NamedBackends.NameOf((client + 1) % 3), answers[client, round]);
        }
    }

    /// <summary>
    /// Quill only: with -T a client not seen for that long is forgotten and balanced afresh. pen 0.34.1 keeps
    /// matching the expired slot and sends it back to its old server (its bug 9).
    /// </summary>
    [Fact]
    public async Task TrackingTime_ExpiredClientIsForgotten()
    {
        using var servers = NamedBackends.Start(3);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-T", "1"], servers.Specs);
        var client = LoopbackClient.Source(2);

        Assert.Equal("s1", await LoopbackClient.AskAsync(listen.Endpoint, client));
        Assert.Equal("s1", await LoopbackClient.AskAsync(listen.Endpoint, client));

        // Not a synchronisation sleep: the scenario is a client that stays away longer than -T.
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.Equal("s2", await LoopbackClient.AskAsync(listen.Endpoint, client));
    }
}
