using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Forwarding;

/// <summary>The real quill with QUILL_FORWARDING forcing each data path: both must deliver every byte and every tail.</summary>
[Collection(HeavyCollection.Name)]
public sealed class ForwardingModeTests
{
    private const int TwentyMegabytes = 20 * 1024 * 1024;

    [Theory]
    [InlineData("splice")]
    [InlineData("buffered")]
    [InlineData("auto")]
    public async Task TwentyMegabytes_BothWaysAtOnce_ArriveByteExact(string mode)
    {
        await BothWaysTransfer.AssertByteExactAsync((listen, server) => StartAsync(mode, listen, server), seed: 21);
    }

    [Theory]
    [InlineData("splice")]
    [InlineData("buffered")]
    [InlineData("auto")]
    public async Task HalfClose_BackendRepliesAndClosesAtOnce_NoReplyIsLost(string mode)
    {
        using var backend = new ReplyAndCloseBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await StartAsync(mode, listen, backend.Spec);

        var lost = new List<int>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var request = $"request {attempt}";
            using var socket = await LoopbackClient.ConnectAsync(listen.Endpoint);
            await socket.SendAsync(Encoding.ASCII.GetBytes(request));
            socket.Shutdown(SocketShutdown.Send);
            if (await LoopbackClient.ReadToEndAsync(socket) != ReplyAndCloseBackend.ReplyTo(request))
                lost.Add(attempt);
        }

        Assert.Empty(lost);
    }

    [Fact]
    public async Task UnknownMode_RefusedWithOneLine()
    {
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = BalancerProcess.Launch(
            BalancerKind.Quill, ["-f", listen.Argument, "127.0.0.1:9"],
            new Dictionary<string, string> { ["QUILL_FORWARDING"] = "zerocopy" });

        Assert.Equal(1, await balancer.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("quill: QUILL_FORWARDING=zerocopy is not one of auto, splice, buffered", balancer.StandardError.Trim());
    }

    private static async Task<BalancerProcess> StartAsync(string mode, ListenAddress listen, string server)
    {
        var balancer = BalancerProcess.Launch(
            BalancerKind.Quill, ["-f", listen.Argument, server], new Dictionary<string, string> { ["QUILL_FORWARDING"] = mode });
        try
        {
            await balancer.WaitUntilListeningAsync(listen);
            return balancer;
        }
        catch
        {
            balancer.Dispose();
            throw;
        }
    }
}
