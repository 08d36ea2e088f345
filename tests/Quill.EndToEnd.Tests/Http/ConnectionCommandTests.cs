using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Http;

/// <summary>pen's connection commands given with -o, seen from a real nginx backend.</summary>
public sealed class ConnectionCommandTests
{
    private static readonly string[] Backend = ["web"];

    [Fact]
    public async Task Source_BackendSeesTheSourceAddress()
    {
        using var nginx = await RecordingNginx.StartAsync(Backend);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen,
            ["-o", "source 127.0.0.77", "-o", "tcp_nodelay", "-o", "keepalive"], [.. nginx.Specs]);

        var output = await CurlCommand.RunAsync($"http://127.0.0.1:{((IPEndPoint)listen.Endpoint).Port}/");

        Assert.Equal("web\n", output);
        Assert.Equal("127.0.0.77", Assert.Single(await nginx.RequestsAsync("web", 1)).Remote);
    }

    [Fact]
    public async Task HttpOverTheControlPort_TurnsTheHeaderOnAndOffForNewConnections()
    {
        using var nginx = await RecordingNginx.StartAsync(Backend);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], [.. nginx.Specs]);
        var url = $"http://127.0.0.1:{((IPEndPoint)balancer.Listen.Endpoint).Port}/";

        await CurlCommand.RunAsync(url);
        Assert.Equal("", await balancer.AskAsync("http"));
        await CurlCommand.RunAsync(url);
        Assert.Equal("", await balancer.AskAsync("no http"));
        await CurlCommand.RunAsync(url);

        var logged = await nginx.RequestsAsync("web", 3);
        Assert.Equal(["-", "127.0.0.1", "-"], logged.Select(r => r.ForwardedFor));
        Assert.Equal("Idle timeout: 0 seconds\n", await balancer.AskAsync("idle_timeout"));
    }

    [Fact]
    public async Task IdleTimeout_IdleKeepAliveConnectionIsClosed_BusyOneIsNot()
    {
        using var nginx = await RecordingNginx.StartAsync(Backend);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-o", "idle_timeout 1"], [.. nginx.Specs]);
        using var idle = await LoopbackClient.ConnectAsync(listen.Endpoint);
        using var busy = await LoopbackClient.ConnectAsync(listen.Endpoint);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 6; i++)
        {
            await busy.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
            var reply = new byte[4096];
            Assert.True(await busy.ReceiveAsync(reply, SocketFlags.None) > 0);
            await Task.Delay(400);
        }

        Assert.True(await LoopbackClient.IsClosedWithinAsync(idle, TimeSpan.FromSeconds(3)));
        Assert.False(await LoopbackClient.IsClosedWithinAsync(busy, TimeSpan.FromMilliseconds(200)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6));
    }
}
