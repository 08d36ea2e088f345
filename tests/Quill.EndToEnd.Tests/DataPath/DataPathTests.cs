using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.DataPath;

/// <summary>
/// The real quill's one data path, with and without a filter on the client's stream (-H passes non-HTTP bytes through
/// its parser untouched), and plain connections relayed by the kernel (--sockmap) or by the event loop
/// (the default): all must deliver every byte and every tail.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class DataPathTests
{
    private const int TwentyMegabytes = 20 * 1024 * 1024;

    [Theory]
    [InlineData("")]
    [InlineData("--sockmap")]
    [InlineData("-H")]
    public async Task TwentyMegabytes_BothWaysAtOnce_ArriveByteExact(string filter)
    {
        await BothWaysTransfer.AssertByteExactAsync((listen, server) => StartAsync(filter, listen, server), seed: 21);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--sockmap")]
    [InlineData("-H")]
    public async Task HalfClose_BackendRepliesAndClosesAtOnce_NoReplyIsLost(string filter)
    {
        using var backend = new ReplyAndCloseBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await StartAsync(filter, listen, backend.Spec);

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

    private static async Task<BalancerProcess> StartAsync(string filter, ListenAddress listen, string server)
    {
        string[] arguments = filter.Length == 0 ? ["-f", listen.Argument, server] : ["-f", filter, listen.Argument, server];
        var balancer = BalancerProcess.Launch(BalancerKind.Quill, arguments);
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
