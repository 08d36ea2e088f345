using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>Clients that misbehave: silent by the thousand, slow on -H, never reading, resetting at every stage.</summary>
[Collection(HeavyCollection.Name)]
public sealed class ClientFaultTests(ITestOutputHelper output)
{
    private const int WantedSilentClients = 10_000;
    private const int Batch = 200;
    private static readonly TimeSpan Served = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    /// <summary>
    /// As many silent clients as the descriptor limits allow, up to 10,000 (each costs two descriptors here, in
    /// the client and the backend, and two in quill): a normal client is still served at once, and quill's
    /// memory grows by a few kilobytes per connection, with no buffer held for a connection that moves nothing.
    /// </summary>
    [Fact]
    public async Task SilentClients_NormalClientServedMeanwhile_MemoryPerConnectionSmall()
    {
        var limit = (int)PosixNative.RaiseOpenFileLimit(2 * WantedSilentClients + 2000);
        // This process holds two descriptors a client (client and backend) and leaves 7,000 to the tests that run beside
        // it; quill inherits the same limit and fits more (Quill.Net's DescriptorBudget: two a connection).
        var count = Math.Min(WantedSilentClients, (limit - 7000) / 2);
        using var backend = new EchoBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-x", $"{WantedSilentClients + 100}", "-q", "1000"], backend.Spec);
        using var clients = new ClientSockets();
        for (var i = 0; i < 20; i++)
            Assert.True(await Echo.AnswersWithinAsync(await clients.OpenAsync(listen.Endpoint), Served));
        var baseline = quill.Status;

        var clock = Stopwatch.StartNew();
        while (clients.Count < count + 20 && clock.Elapsed < TimeSpan.FromSeconds(60))
            await Task.WhenAll(Enumerable.Range(0, Math.Min(Batch, count + 20 - clients.Count)).Select(_ => clients.OpenAsync(listen.Endpoint)));
        Assert.True(await Eventually.TrueAsync(() => quill.Status.OpenDescriptors >= baseline.OpenDescriptors + 2 * count, Settle),
            $"quill holds {quill.Status}, expected {count} more connections");
        var held = quill.Status;
        var normal = Stopwatch.StartNew();
        using (var client = await LoopbackClient.ConnectAsync(listen.Endpoint))
            Assert.True(await Echo.AnswersWithinAsync(client, Served), "a normal client was not served beside the silent ones");
        normal.Stop();

        var perConnection = (held.ResidentKilobytes - baseline.ResidentKilobytes) * 1024.0 / count;
        output.WriteLine($"{count} silent clients (limit {limit}) opened in {clock.Elapsed.TotalSeconds:F1} s: baseline {baseline}, " +
            $"holding {held}, {perConnection / 1024:F1} KiB per connection; a normal client served in {normal.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(perConnection < 16 * 1024, $"{perConnection / 1024:F1} KiB per silent connection");
        clients.Dispose();
        Assert.True(await Eventually.TrueAsync(() => quill.Status.OpenDescriptors <= baseline.OpenDescriptors, Settle),
            $"descriptors after all closed: {quill.Status}, baseline {baseline}");
    }

    /// <summary>
    /// Clients that never read while their server sends without end: quill stops reading from the server once the
    /// client's socket is full, so what it holds per connection is bounded by socket buffers and a pipe (kernel
    /// memory), not by what the server has to send.
    /// </summary>
    [Fact]
    public async Task ClientsThatNeverRead_QuillMemoryPerConnectionBounded()
    {
        const int clientsCount = 50;
        const long perConnectionLimit = 256L * 1024 * 1024;
        var sent = new StrongBox<long>();
        using var firehose = FaultyBackend.Firehose(perConnectionLimit, sent);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], firehose.Spec);
        using var clients = new ClientSockets();
        // One connection first, so the runtime and the pipe pool are warm before the baseline.
        var first = await clients.OpenAsync(listen.Endpoint);
        await StalledAsync(sent);
        var baseline = quill.Status;

        for (var i = 1; i < clientsCount; i++)
            await clients.OpenAsync(listen.Endpoint);
        Assert.True(await Eventually.TrueAsync(() => firehose.Accepted == clientsCount));
        await StalledAsync(sent);
        var stalled = quill.Status;
        using (var reader = await LoopbackClient.ConnectAsync(listen.Endpoint))
        {
            var buffer = new byte[64 * 1024];
            Assert.True(await reader.ReceiveAsync(buffer) > 0, "a reading client got nothing beside the stalled ones");
        }

        var perConnection = (stalled.ResidentKilobytes - baseline.ResidentKilobytes) * 1024.0 / (clientsCount - 1);
        var inFlight = Interlocked.Read(ref sent.Value) / clientsCount;
        output.WriteLine($"{clientsCount} clients that never read: {inFlight / 1024} KiB sent per connection before the server stalled, " +
            $"quill {baseline} then {stalled}: {perConnection / 1024:F1} KiB resident per connection");
        Assert.True(perConnection < 300 * 1024, $"{perConnection / 1024:F1} KiB per never-reading connection");
        Assert.True(inFlight < 32L * 1024 * 1024, $"{inFlight} bytes per connection left the server: quill buffers without bound");
        GC.KeepAlive(first);
    }

    /// <summary>
    /// Slowloris on -H: headers one byte per second. Quill keeps serving others; the slow client itself is not
    /// cut off (quill, like pen, has no request-header timeout, and each byte is activity for idle_timeout), and
    /// once its request is complete it is forwarded with one X-Forwarded-For.
    /// </summary>
    [Fact]
    public async Task SlowlorisOnH_OthersServedMeanwhile_SlowRequestStillForwardedWhole()
    {
        using var backend = new EchoBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-H"], backend.Spec);
        using var slow = await LoopbackClient.ConnectAsync(listen.Endpoint);
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: x\r\n\r\n");

        var normalTimes = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            await slow.SendAsync(request.AsMemory(i, 1));
            var clock = Stopwatch.StartNew();
            using var normal = await LoopbackClient.ConnectAsync(listen.Endpoint);
            await normal.SendAsync(request);
            normal.Shutdown(SocketShutdown.Send);
            Assert.Contains("X-Forwarded-For: 127.0.0.1", await LoopbackClient.ReadToEndAsync(normal));
            normalTimes.Add(clock.Elapsed);
            await Task.Delay(TimeSpan.FromSeconds(1) - clock.Elapsed is var rest && rest > TimeSpan.Zero ? rest : TimeSpan.Zero);
        }
        await slow.SendAsync(request.AsMemory(3));
        slow.Shutdown(SocketShutdown.Send);
        var forwarded = await LoopbackClient.ReadToEndAsync(slow);

        output.WriteLine($"normal clients beside a slowloris: {string.Join(", ", normalTimes.Select(t => $"{t.TotalMilliseconds:F0} ms"))}");
        Assert.All(normalTimes, time => Assert.True(time < Served, $"a normal client took {time}"));
        Assert.Single(forwarded.Split("X-Forwarded-For:").Skip(1));
        Assert.StartsWith("GET / HTTP/1.0", forwarded);
    }

    public enum Stage
    {
        BeforeConnectCompletes,
        MidRequest,
        MidReply,
        AfterHalfClose,
    }

    /// <summary>Clients that reset (SO_LINGER 0) at each stage: quill stays up, serves the next client, and keeps nothing.</summary>
    [Theory]
    [InlineData(Stage.BeforeConnectCompletes)]
    [InlineData(Stage.MidRequest)]
    [InlineData(Stage.MidReply)]
    [InlineData(Stage.AfterHalfClose)]
    public async Task ClientResets_AtEveryStage_NothingLeaks(Stage stage)
    {
        const int resets = 20;
        using var hole = await BlackHole.OpenAsync();
        using var silent = FaultyBackend.Silent();
        using var echo = new EchoBackend();
        var server = stage switch
        {
            Stage.BeforeConnectCompletes => hole.Spec,
            Stage.MidRequest => silent.Spec,
            _ => echo.Spec,
        };
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-t", "3", "-x", "1000"], server, echo.Spec);
        for (var i = 0; i < resets; i++)
        {
            using var client = await LoopbackClient.ConnectAsync(listen.Endpoint);
            if (stage == Stage.MidRequest) await client.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHo"));
            if (stage == Stage.MidReply)
            {
                // More than the socket buffers hold, so the reply is still coming when the client resets.
                _ = client.SendAsync(new byte[4 * 1024 * 1024]);
                Assert.True(await client.ReceiveAsync(new byte[4096]) > 0);
            }
            if (stage == Stage.AfterHalfClose) client.Shutdown(SocketShutdown.Send);
            client.LingerState = new LingerOption(true, 0);
        }

        // The listener is the one socket left.
        Assert.True(await Eventually.TrueAsync(() => ProcessStatus.TcpSockets(quill.Pid) == 1, Settle),
            $"{stage}: {ProcessStatus.TcpSockets(quill.Pid)} sockets open; stderr: {quill.StandardError}");
        Assert.True(await Eventually.TrueAsync(() => silent.Open == 0, Settle), "a server connection outlived its reset client");
        Assert.False(quill.HasExited, quill.StandardError);
        using var next = await LoopbackClient.ConnectAsync(listen.Endpoint);
        Assert.True(stage == Stage.MidRequest || await Echo.AnswersWithinAsync(next, TimeSpan.FromSeconds(5)), "the next client was not served");
    }

    /// <summary>Waits until the server's sending stops growing: every never-reading client is full.</summary>
    private static async Task StalledAsync(StrongBox<long> sent)
    {
        var clock = Stopwatch.StartNew();
        var last = -1L;
        while (clock.Elapsed < Settle)
        {
            var now = Interlocked.Read(ref sent.Value);
            if (now == last) return;
            last = now;
            await Task.Delay(300);
        }
        Assert.Fail($"the server still sends after {Settle}");
    }
}
