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

    /// <summary>
    /// A server that greets and then never reads, behind clients that send without end: quill stops reading from a
    /// client once the server's socket is full, so what it holds is bounded by socket buffers, not by what the clients
    /// send; a new client is served meanwhile; idle_timeout closes the stalled connections (nothing moves either way)
    /// on both sides. With --sockmap the kernel relays, and quill pauses a client's socket once the kernel holds a few
    /// MiB for its server (see <see cref="DataPath.SockmapBackpressureTests"/>).
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("--sockmap")]
    public async Task BackendThatNeverReads_ClientsSendingWithoutEnd_MemoryBounded_OthersServed_IdleTimeoutCloses(string relay)
    {
        const int clientsCount = 12;
        const int idleSeconds = 4;
        var greeting = "hello\n"u8.ToArray();
        using var deaf = FaultyBackend.Deaf(greeting);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, [.. relay.Split(' ', StringSplitOptions.RemoveEmptyEntries), "-o", $"idle_timeout {idleSeconds}"], deaf.Spec);
        using var clients = new ClientSockets();
        // One stalled connection first, so the runtime and the pipe pool are warm before the baseline.
        var first = await clients.OpenAsync(listen.Endpoint);
        var firstSent = await SendUntilStalledAsync(first);
        var baseline = quill.Status;

        var senders = new List<Socket>();
        for (var i = 1; i < clientsCount; i++)
            senders.Add(await clients.OpenAsync(listen.Endpoint));
        var sent = await Task.WhenAll(senders.Select(SendUntilStalledAsync));
        var stalled = quill.Status;
        // Kept open: a client that closed would leave its connection half-closed, which idle_timeout spares, as in pen.
        var other = await clients.OpenAsync(listen.Endpoint);
        Assert.Equal("hello", await LoopbackClient.ReadLineAsync(other));

        var perConnection = (stalled.ResidentKilobytes - baseline.ResidentKilobytes) * 1024.0 / (clientsCount - 1);
        var mostSent = sent.Append(firstSent).Max();
        output.WriteLine($"{clientsCount} clients sending to a server that never reads: at most {mostSent / 1024} KiB taken from one, " +
            $"quill {baseline} then {stalled}: {perConnection / 1024:F1} KiB resident per connection");
        Assert.True(perConnection < 300 * 1024, $"{perConnection / 1024:F1} KiB per stalled connection");
        // With --sockmap the kernel grows the client socket's receive buffer as for a reader that keeps up (the verdict
        // program takes every byte at once), up to tcp_rmem's largest (32 MiB on a 6.x kernel): a paused client's
        // bytes wait there, beside the few MiB the kernel may hold for the server, more while twelve senders keep both
        // cores busy and the loop wakes late (25-59 MiB seen).
        var bound = relay.Contains("--sockmap", StringComparison.Ordinal) ? 96L * 1024 * 1024 : 32L * 1024 * 1024;
        Assert.True(mostSent < bound, $"{mostSent} bytes taken from one client: quill buffers without bound");

        // Half the senders give up and close with their bytes unsent: quill, not reading them, cannot see that, and
        // idle_timeout ends those too.
        var clock = Stopwatch.StartNew();
        var leaving = senders.Count / 2;
        foreach (var client in senders.Take(leaving)) client.Dispose();
        foreach (var client in senders.Skip(leaving).Prepend(first).Append(other))
            Assert.True(await LoopbackClient.IsClosedWithinAsync(client, TimeSpan.FromSeconds(idleSeconds) + Bounded), "a stalled client was not closed");
        Assert.True(await Eventually.TrueAsync(() => ProcessStatus.TcpSockets(quill.Pid) == 1),
            $"{ProcessStatus.TcpSockets(quill.Pid)} sockets open, the listener only expected");
        output.WriteLine($"idle_timeout {idleSeconds}: all closed {clock.Elapsed.TotalSeconds:F1} s after the last stalled");
    }

    /// <summary>Sends until the socket takes nothing more for a while (the far end stopped reading); returns the bytes it took.</summary>
    /// <remarks>A thread each, at once: on the thread pool the last of eleven senders may start seconds late, after
    /// idle_timeout has closed its connection for carrying nothing.</remarks>
    private static Task<long> SendUntilStalledAsync(Socket socket) => Task.Factory.StartNew(() =>
    {
        socket.Blocking = false;
        var chunk = new byte[64 * 1024];
        var total = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Bounded)
        {
            try
            {
                total += socket.Send(chunk);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                if (!socket.Poll(TimeSpan.FromMilliseconds(500), SelectMode.SelectWrite)) return total;
            }
        }
        throw new TimeoutException($"the client could still send after {Bounded} ({total} bytes)");
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

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
