using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

[Collection(HeavyCollection.Name)]
public sealed class TransferTests
{
    /// <summary>
    /// 20 MB each way at the same time through the balancer, compared by SHA-256 at both ends. Quill only:
    /// pen 0.34.1 loses the tail of a stream when it closes (its bug 3), in either direction.
    /// </summary>
    [Fact]
    public async Task TwentyMegabytes_BothWaysAtOnce_ArriveByteExact()
    {
        await BothWaysTransfer.AssertByteExactAsync(
            (listen, server) => BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], server), seed: 11);
    }

    /// <summary>
    /// The client half-closes, the backend answers and closes at once, so the reply and the FIN arrive
    /// together. pen 0.34.1 sometimes drops the reply here (its bug 3); quill must deliver every one.
    /// </summary>
    [Fact]
    public async Task HalfClose_BackendRepliesAndClosesAtOnce_NoReplyIsLost()
    {
        using var backend = new ReplyAndCloseBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], backend.Spec);

        var lost = new List<int>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var request = $"request {attempt}";
            using var socket = await LoopbackClient.ConnectAsync(listen.Endpoint);
            await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(request));
            socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            if (await LoopbackClient.ReadToEndAsync(socket) != ReplyAndCloseBackend.ReplyTo(request))
                lost.Add(attempt);
        }

        Assert.Empty(lost);
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task ThousandQuickConnectionsInARow_AllServedAlternately(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(2);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-r"], servers.Specs);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 1000 && !deadline.IsCancellationRequested; i++)
        {
            var answer = await LoopbackClient.AskAsync(listen.Endpoint);
            counts[answer] = counts.GetValueOrDefault(answer) + 1;
        }

        Assert.Equal(new Dictionary<string, int> { ["s0"] = 500, ["s1"] = 500 }, counts);
    }
}
