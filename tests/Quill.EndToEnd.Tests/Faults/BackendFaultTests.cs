using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>
/// Backends that fail after the connect: what a pen or HAProxy user expects is that the client gets what the
/// server sent and then a close, never a hang beyond what was configured, and that everyone else is served
/// meanwhile and nothing is left open afterwards. Connect failures (refused, SYNs dropped on loopback) are
/// in Scenarios/FailoverTests; SYNs dropped inside a namespace in <see cref="SynDropTests"/>.
/// </summary>
public sealed class BackendFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SilentBackend_ClientWaitsOthersServed_CloseReleasesBothSides()
    {
        using var silent = FaultyBackend.Silent();
        using var healthy = NamedBackend.OnLoopback("s1");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        // Round robin's first pick is server 1, as in pen: the faulty one.
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-r"], healthy.Spec, silent.Spec);
        var waiting = await LoopbackClient.ConnectAsync(listen.Endpoint);
        await waiting.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"));

        Assert.True(await Eventually.TrueAsync(() => silent.Open == 1), "the silent backend never got the client");
        Assert.Equal("s1", await LoopbackClient.AskAsync(listen.Endpoint));
        Assert.False(await LoopbackClient.IsClosedWithinAsync(waiting, TimeSpan.FromMilliseconds(500)), "quill closed a client whose server is only slow");
        waiting.Dispose();

        Assert.True(await Eventually.TrueAsync(() => silent.Open == 0), "quill kept the silent server's connection after its client left");
        Assert.True(await Eventually.TrueAsync(() => ProcessStatus.TcpSockets(quill.Pid) == 1), $"{ProcessStatus.TcpSockets(quill.Pid)} sockets open, the listener only expected");
    }

    [Fact]
    public async Task BackendAnsweringOneBytePerSecond_ClientGetsEveryByteThenTheClose_OthersNotHeldUp()
    {
        var text = Encoding.ASCII.GetBytes("abc");
        using var trickle = FaultyBackend.Trickle(text, TimeSpan.FromSeconds(1));
        using var healthy = NamedBackend.OnLoopback("s1");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-r"], healthy.Spec, trickle.Spec);
        var clock = Stopwatch.StartNew();

        var slow = LoopbackClient.AskAsync(listen.Endpoint);
        Assert.True(await Eventually.TrueAsync(() => trickle.Accepted == 1));
        var other = Stopwatch.StartNew();
        Assert.Equal("s1", await LoopbackClient.AskAsync(listen.Endpoint));
        other.Stop();
        Assert.Equal("abc", await slow);

        output.WriteLine($"trickled 3 bytes in {clock.Elapsed.TotalSeconds:F1} s; another client meanwhile in {other.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3 + 2), $"took {clock.Elapsed}");
        Assert.True(other.Elapsed < TimeSpan.FromSeconds(1), $"the other client waited {other.Elapsed}");
    }

    [Fact]
    public async Task BackendResetMidStream_ClientGetsTheBytesThatArrivedThenAnEnd()
    {
        var payload = new byte[100_000];
        new Random(12).NextBytes(payload);
        var reset = new TaskCompletionSource();
        using var resetting = FaultyBackend.ResetMidStream(payload, reset.Task);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], resetting.Spec);
        using var client = await LoopbackClient.ConnectAsync(listen.Endpoint);
        using var deadline = new CancellationTokenSource(Bounded);

        var received = new byte[payload.Length];
        var filled = 0;
        while (filled < received.Length)
            filled += await client.ReceiveAsync(received.AsMemory(filled), SocketFlags.None, deadline.Token);
        reset.SetResult();
        var clock = Stopwatch.StartNew();

        Assert.Equal(payload, received);
        Assert.True(await LoopbackClient.IsClosedWithinAsync(client, Bounded), "the client hangs after its server reset");
        output.WriteLine($"client saw the end {clock.Elapsed.TotalMilliseconds:F0} ms after the server's reset");
        Assert.True(await Eventually.TrueAsync(() => resetting.Open == 0));
        Assert.False(quill.HasExited);
    }

    [Fact]
    public async Task BackendClosingAtAccept_ClientGetsAClose_NoFailoverAndNoLeak()
    {
        using var closing = FaultyBackend.CloseOnAccept();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], closing.Spec);
        for (var i = 0; i < 20; i++)
            Assert.Equal("", await LoopbackClient.AskAsync(listen.Endpoint));

        // The connect succeeded, so as with pen the server is not blacklisted: every client reached it.
        Assert.Equal(20, closing.Accepted);
        Assert.True(await Eventually.TrueAsync(() => ProcessStatus.TcpSockets(quill.Pid) == 1), $"{ProcessStatus.TcpSockets(quill.Pid)} sockets open, the listener only expected");
    }
}
