using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Quill.Net.Control;
using Xunit;

namespace Quill.Net.Tests.Control;

public sealed class ControlServerTests
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    private static ControlServer Start(RecordingDispatcher dispatcher, ControlServerOptions? options = null,
        Func<IPAddress?, bool>? isPermitted = null, EndPoint? endPoint = null) =>
        ControlServer.Start(endPoint ?? AnyLoopbackPort, isPermitted ?? (_ => true), dispatcher.Dispatch, options);

    private static string TempSocketPath() => Path.Combine(Path.GetTempPath(), $"quill-ctl-{Guid.NewGuid():N}.sock");

    [Fact]
    public async Task RoundTrip_Tcp_SendsReplyAndCloses()
    {
        var dispatcher = new RecordingDispatcher();
        IPAddress? peer = null;
        using var server = Start(dispatcher, isPermitted: p => { peer = p; return true; });

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "servers\n");

        Assert.Equal("got servers\n", reply);
        Assert.Equal(["servers"], dispatcher.Commands);
        Assert.Equal(IPAddress.Loopback, peer);
    }

    [Fact]
    public async Task RoundTrip_TcpIpv6_SeesIpv6Peer()
    {
        var dispatcher = new RecordingDispatcher();
        IPAddress? peer = null;
        using var server = Start(dispatcher, isPermitted: p => { peer = p; return true; },
            endPoint: new IPEndPoint(IPAddress.IPv6Loopback, 0));

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "mode\n");

        Assert.Equal("got mode\n", reply);
        Assert.Equal(IPAddress.IPv6Loopback, peer);
    }

    [Fact]
    public async Task RoundTrip_Unix_ReplacesStaleFile_PeerIsNull_DisposeRemovesFile()
    {
        var path = TempSocketPath();
        await File.WriteAllTextAsync(path, "stale");
        var dispatcher = new RecordingDispatcher();
        var peers = new ConcurrentQueue<IPAddress?>();
        var server = Start(dispatcher, isPermitted: p => { peers.Enqueue(p); return true; },
            endPoint: new UnixDomainSocketEndPoint(path));
        try
        {
            var reply = await ControlTestClient.ExchangeAsync(new UnixDomainSocketEndPoint(path), "pid\n");

            Assert.Equal("got pid\n", reply);
            Assert.Equal([null], peers);
        }
        finally
        {
            server.Dispose();
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Read_CommandSplitIntoThreeSegments_IsReassembled()
    {
        var dispatcher = new RecordingDispatcher();
        using var server = Start(dispatcher);
        using var client = await ControlTestClient.ConnectAsync(server.LocalEndPoint);

        // The delays only make separate TCP segments likely; the outcome does not depend on their length.
        await ControlTestClient.SendAsync(client, "ser"u8.ToArray());
        await Task.Delay(50);
        await ControlTestClient.SendAsync(client, "ve"u8.ToArray());
        await Task.Delay(50);
        await ControlTestClient.SendAsync(client, "rs\n"u8.ToArray());
        var reply = await ControlTestClient.ReadToEndAsync(client);

        Assert.Equal("got servers\n"u8.ToArray(), reply);
        Assert.Equal(["servers"], dispatcher.Commands);
    }

    [Theory]
    [InlineData("mode\nservers\n")]
    [InlineData("mode\r\nservers\r\n")]
    [InlineData("mode\rservers")]
    public async Task Read_SeveralLines_OnlyFirstRuns(string request)
    {
        var dispatcher = new RecordingDispatcher();
        using var server = Start(dispatcher);

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, request);

        Assert.Equal("got mode\n", reply);
        Assert.Equal(["mode"], dispatcher.Commands);
    }

    [Fact]
    public async Task Read_FinalLineWithoutNewlineAtEof_IsRun()
    {
        var dispatcher = new RecordingDispatcher();
        using var server = Start(dispatcher);
        using var client = await ControlTestClient.ConnectAsync(server.LocalEndPoint);

        await ControlTestClient.SendAsync(client, "recent 60"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        var reply = await ControlTestClient.ReadToEndAsync(client);

        Assert.Equal("got recent 60\n"u8.ToArray(), reply);
        Assert.Equal(["recent 60"], dispatcher.Commands);
    }

    [Fact]
    public async Task Read_EmptyLine_IsDispatchedAsEmptyCommand()
    {
        var dispatcher = new RecordingDispatcher(_ => "");
        using var server = Start(dispatcher);

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "\n");

        Assert.Equal("", reply);
        Assert.Equal([""], dispatcher.Commands);
    }

    [Fact]
    public async Task Read_ConnectAndCloseWithoutSending_DispatchesNothing()
    {
        var dispatcher = new RecordingDispatcher();
        using var server = Start(dispatcher);
        using (var client = await ControlTestClient.ConnectAsync(server.LocalEndPoint))
        {
            client.Shutdown(SocketShutdown.Send);
            Assert.Empty(await ControlTestClient.ReadToEndAsync(client));
        }

        // A later command still works, and the first connection left no trace.
        Assert.Equal("got pid\n", await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "pid\n"));
        Assert.Equal(["pid"], dispatcher.Commands);
    }

    [Fact]
    public async Task Reply_IsSentByteForByte()
    {
        var dispatcher = new RecordingDispatcher(_ => "a\u00e9\0b\r\nno newline at end");
        using var server = Start(dispatcher);

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "x\n"u8.ToArray());

        Assert.Equal([(byte)'a', 0xE9, 0, (byte)'b', (byte)'\r', (byte)'\n', .. "no newline at end"u8.ToArray()], reply);
    }

    [Fact]
    public async Task Reply_Large_IsSentCompletely()
    {
        var big = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i} addr 127.0.0.1 port 80\n"));
        var dispatcher = new RecordingDispatcher(_ => big);
        using var server = Start(dispatcher);

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "status\n");

        Assert.Equal(big, reply);
    }

    [Fact]
    public async Task Read_AllLatin1Bytes_ReachDispatcherUnchanged()
    {
        byte[] line = [.. Enumerable.Range(0, 256).Select(b => (byte)b).Where(b => b is not (byte)'\r' and not (byte)'\n')];
        new Random(7).Shuffle(line);
        var dispatcher = new RecordingDispatcher(command => command);
        using var server = Start(dispatcher);

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, [.. line, (byte)'\n']);

        Assert.Equal(line, reply);
        Assert.Equal(Encoding.Latin1.GetString(line), Assert.Single(dispatcher.Commands));
    }

    [Fact]
    public async Task Read_RandomBytesAndNuls_NeverBreakTheServer()
    {
        var dispatcher = new RecordingDispatcher();
        using var server = Start(dispatcher);
        var random = new Random(12345);

        for (var round = 0; round < 40; round++)
        {
            var request = new byte[random.Next(0, 10_000)];
            random.NextBytes(request);
            if (round % 2 == 0)
            {
                Array.Clear(request, 0, Math.Min(request.Length, 100));
            }

            var reply = Encoding.Latin1.GetString(
                await ControlTestClient.ExchangeAsync(server.LocalEndPoint, request, halfClose: true));

            var isCommandReply = reply.StartsWith("got ", StringComparison.Ordinal) && reply.EndsWith('\n');
            Assert.True(isCommandReply || reply == "control: command longer than 4096 bytes\n" || request.Length == 0,
                $"unexpected reply '{reply}'");
        }

        Assert.Equal("got pid\n", await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "pid\n"));
    }

    [Fact]
    public async Task Read_CommandOfExactlyTheLimit_IsAccepted_OneMore_IsRejected()
    {
        var dispatcher = new RecordingDispatcher(_ => "ok\n");
        using var server = Start(dispatcher, new ControlServerOptions { MaxCommandBytes = 100 });

        var atLimit = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, new string('a', 100) + "\n");
        var atLimitAtEof = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, new string('b', 100), halfClose: true);
        var overLimit = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, new string('c', 101) + "\n");

        Assert.Equal("ok\n", atLimit);
        Assert.Equal("ok\n", atLimitAtEof);
        Assert.Equal("control: command longer than 100 bytes\n", overLimit);
        Assert.Equal([new string('a', 100), new string('b', 100)], dispatcher.Commands);
    }

    [Fact]
    public async Task Acl_Denied_ClosesWithoutReplyOrDispatch()
    {
        var dispatcher = new RecordingDispatcher();
        var asked = new ConcurrentQueue<IPAddress?>();
        using var server = Start(dispatcher, isPermitted: p => { asked.Enqueue(p); return false; });

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "exit\n");

        Assert.Empty(reply);
        Assert.Empty(dispatcher.Commands);
        Assert.Equal([IPAddress.Loopback], asked);
    }

    [Fact]
    public async Task Acl_Throwing_ClosesWithoutReplyAndReportsError()
    {
        var dispatcher = new RecordingDispatcher();
        var errors = new ConcurrentQueue<Exception>();
        using var server = Start(dispatcher, new ControlServerOptions { OnCallbackError = errors.Enqueue },
            isPermitted: _ => throw new InvalidOperationException("acl broke"));

        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "pid\n");

        Assert.Empty(reply);
        Assert.Empty(dispatcher.Commands);
        Assert.Equal("acl broke", Assert.Single(errors).Message);
    }

    [Fact]
    public async Task Dispatcher_Throwing_ClosesWithoutReply_AndServerGoesOn()
    {
        var errors = new ConcurrentQueue<Exception>();
        var dispatcher = new RecordingDispatcher(line => line == "boom" ? throw new InvalidOperationException("boom") : "fine\n");
        using var server = Start(dispatcher, new ControlServerOptions { OnCallbackError = errors.Enqueue });

        var failed = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "boom\n");
        var next = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "pid\n");

        Assert.Empty(failed);
        Assert.Equal("fine\n", next);
        Assert.Equal("boom", Assert.Single(errors).Message);
    }

    [Fact]
    public async Task SilentClient_DoesNotDelayAnotherClient()
    {
        var dispatcher = new RecordingDispatcher();
        var accepted = new SemaphoreSlim(0);
        using var server = Start(dispatcher, new ControlServerOptions { ReadTimeout = TimeSpan.FromMinutes(1) },
            isPermitted: _ => { accepted.Release(); return true; });
        using var silent = await ControlTestClient.ConnectAsync(server.LocalEndPoint);
        Assert.True(await accepted.WaitAsync(ControlTestClient.Timeout), "the silent client was never accepted");

        var stopwatch = Stopwatch.StartNew();
        var reply = await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "pid\n");
        stopwatch.Stop();

        Assert.Equal("got pid\n", reply);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"second client waited {stopwatch.Elapsed}");
        Assert.False(silent.Poll(0, SelectMode.SelectRead), "the silent client should still be open");
    }

    [Fact]
    public async Task SilentClient_IsClosedAfterReadTimeout_WithoutReply()
    {
        var time = new FakeTimeProvider();
        var dispatcher = new RecordingDispatcher();
        var accepted = new SemaphoreSlim(0);
        using var server = Start(dispatcher, new ControlServerOptions { TimeProvider = time },
            isPermitted: _ => { accepted.Release(); return true; });
        using var silent = await ControlTestClient.ConnectAsync(server.LocalEndPoint);
        Assert.True(await accepted.WaitAsync(ControlTestClient.Timeout), "the client was never accepted");
        var acceptedAt = time.GetUtcNow();

        Assert.False(silent.Poll(200_000, SelectMode.SelectRead), "closed before any time passed");
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(silent.Poll(200_000, SelectMode.SelectRead), "closed before the 5 s read timeout");

        var closed = false;
        for (var step = 0; step < 20 && !closed; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            closed = silent.Poll(200_000, SelectMode.SelectRead);
        }

        Assert.True(closed, "the silent client was never closed");
        Assert.True(time.GetUtcNow() - acceptedAt >= TimeSpan.FromSeconds(5));
        Assert.Empty(await ControlTestClient.ReadToEndAsync(silent));
        Assert.Empty(dispatcher.Commands);
    }

    [Fact]
    public async Task ManyConcurrentClients_EachGetTheirOwnReply_DispatchRunsOneAtATime()
    {
        var inside = 0;
        var maxInside = 0;
        var dispatcher = new RecordingDispatcher(line =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            Thread.SpinWait(20_000);
            Interlocked.Decrement(ref inside);
            return $"reply to {line}\n";
        });
        using var server = Start(dispatcher);

        var replies = await Task.WhenAll(Enumerable.Range(0, 64)
            .Select(i => ControlTestClient.ExchangeAsync(server.LocalEndPoint, $"client {i}\n")));

        for (var i = 0; i < replies.Length; i++)
        {
            Assert.Equal($"reply to client {i}\n", replies[i]);
        }
        Assert.Equal(64, dispatcher.Commands.Count);
        Assert.Equal(1, maxInside);
    }

    [Fact]
    public async Task Dispose_StopsListening()
    {
        var server = Start(new RecordingDispatcher());
        var endPoint = server.LocalEndPoint;

        server.Dispose();
        server.Dispose();

        await server.AcceptLoop.WaitAsync(ControlTestClient.Timeout);
        await Assert.ThrowsAnyAsync<SocketException>(() => ControlTestClient.ConnectAsync(endPoint));
    }

    [Fact]
    public async Task Dispose_ClosesConnectionsInProgress()
    {
        var accepted = new SemaphoreSlim(0);
        var server = Start(new RecordingDispatcher(), new ControlServerOptions { ReadTimeout = TimeSpan.FromMinutes(1) },
            isPermitted: _ => { accepted.Release(); return true; });
        using var silent = await ControlTestClient.ConnectAsync(server.LocalEndPoint);
        Assert.True(await accepted.WaitAsync(ControlTestClient.Timeout), "the client was never accepted");

        server.Dispose();

        Assert.Empty(await ControlTestClient.ReadToEndAsync(silent));
    }

    [Fact]
    public void Start_AddressInUse_Throws()
    {
        using var first = Start(new RecordingDispatcher());

        Assert.Throws<SocketException>(() => Start(new RecordingDispatcher(), endPoint: first.LocalEndPoint));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
