using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Tls;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// quill --takeover: the new process takes the running one's listeners, state and live plain connections; no new
/// client is refused or reset meanwhile, moved connections go on byte-exact (half-closes included), a TLS connection
/// stays on the old process until it ends, and the old one exits.
/// </summary>
public sealed class TakeoverTests(CertificateFixture certificates, ITestOutputHelper output) : IClassFixture<CertificateFixture>
{
    private static readonly TimeSpan OldExitLimit = TimeSpan.FromSeconds(30);

    /// <summary>With --sockmap the kernel relays the streams: each leaves the kernel (its bytes in flight sent first) and moves.</summary>
    [Theory]
    [InlineData("--no-sockmap")]
    [InlineData("--sockmap")]
    public async Task Live_connections_move_byte_exact_and_no_new_client_is_refused(string relaying)
    {
        using var backend = new StreamingBackend();
        using var run = await TakeoverRun.StartAsync([backend.Spec], relaying);
        using var streams = await HeldStreams.OpenAsync(run.Listen.Endpoint, 6);
        // Every stream relayed by the old process before the takeover comes.
        await run.WaitForServerConnectionsAsync(streams.Count);

        PingLoop pings;
        long pingsBefore;
        await using (pings = new PingLoop(run.Listen.Endpoint))
        {
            await pings.WaitForAsync(50);
            var clock = Stopwatch.StartNew();
            run.TakeOver();
            Assert.Equal(0, await run.Old.WaitForExitAsync(OldExitLimit));
            output.WriteLine($"takeover with {streams.Count} live connections: old process gone after {clock.ElapsedMilliseconds} ms");
            // The ping loop's one connection may be in flight at the handover and move with the streams.
            var moved = Regex.Match(run.Old.StandardError, @"taken over: (\d+) connections moved");
            Assert.True(moved.Success, run.Old.StandardError);
            Assert.InRange(int.Parse(moved.Groups[1].Value), streams.Count, streams.Count + 1);
            pingsBefore = pings.Succeeded;
            await pings.WaitForAsync(50);

            backend.ReleaseSecondParts();
            await streams.FinishByteExactAsync(backend);
            await DisposeAsync(pings);
            Assert.Empty(pings.Failures);
            output.WriteLine($"{pings.Succeeded} new connections, {pingsBefore} before the old process exited, none refused or reset");

            // The new process's counters carry on from the old one's: every byte of every connection, counted once.
            var toServer = streams.Count * LongLivedStream.BytesToServer + 5L * pings.Succeeded;
            var toClient = streams.Count * (long)(StreamingBackend.FirstPart + StreamingBackend.SecondPart) + 4L * pings.Succeeded;
            // A kernel-relayed connection's counters may be complete (read from TCP_INFO) a moment before its close.
            var servers = await Eventually.ValueAsync(() => run.AskAsync("servers"),
                reply => reply.Contains($"sx {toServer} rx {toClient}", StringComparison.Ordinal)
                    && reply.Contains("conn 0 ", StringComparison.Ordinal));
            Assert.Contains($"conn 0 ", servers);
            Assert.Contains($"sx {toServer} rx {toClient}", servers);
            var recent = await run.AskAsync("recent");
            Assert.Equal($"127.0.0.1 connects {streams.Count + pings.Succeeded} sx {toClient} rx {toServer}\n", recent);
        }
    }

    [Fact]
    public async Task A_tls_connection_drains_on_the_old_process_which_then_exits()
    {
        using var backend = new EchoBackend();
        using var run = await TakeoverRun.StartAsync([backend.Spec], "-d", "--grace", "20", "-E", certificates.Set.ServerCertificate, "-K", certificates.Set.ServerKey);
        using var tls = await OpenTlsAsync(run.Listen.Endpoint);
        await EchoAsync(tls, "before");

        run.TakeOver();
        Assert.True(await Eventually.TrueAsync(() => run.Old.StandardError.Contains("taken over: 0 connections moved", StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
            run.Old.StandardError);
        // New clients go to the new process; the old one keeps the TLS connection it holds.
        using (var fresh = await OpenTlsAsync(run.Listen.Endpoint)) await EchoAsync(fresh, "new");
        Assert.False(run.Old.HasExited);
        await EchoAsync(tls, "after");

        var clock = Stopwatch.StartNew();
        tls.Dispose();
        Assert.Equal(0, await run.Old.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        output.WriteLine($"old process exited {clock.ElapsedMilliseconds} ms after its last TLS connection closed");
    }

    [Fact]
    public async Task A_server_a_reload_removed_stays_removed_after_a_takeover_until_its_moved_connection_ends()
    {
        using var servers = NamedBackends.Start(2, holdOpen: true);
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await File.WriteAllTextAsync(file, $"roundrobin\nserver 0 address 127.0.0.1 port {servers[0].Port}\nserver 1 address 127.0.0.1 port {servers[1].Port}\n");
        using var run = await TakeoverRun.StartAsync([], "-F", file);
        using var held = new HeldConnections();
        var greetings = new[] { await held.OpenAsync(run.Listen.Endpoint), await held.OpenAsync(run.Listen.Endpoint) };
        var onServer1 = held.Sockets[Array.IndexOf(greetings, "s1")];
        await File.WriteAllTextAsync(file, $"roundrobin\nserver 0 address 127.0.0.1 port {servers[0].Port}\n");
        Assert.Equal($"reload: {file} applied, servers removed: 1\n", await run.AskAsync("reload"));
        var removedLine = $"1 addr 127.0.0.1 port {servers[1].Port} state removed ";
        Assert.Contains(removedLine, await run.AskAsync("health"));

        run.TakeOver();
        Assert.Equal(0, await run.Old.WaitForExitAsync(OldExitLimit));
        Assert.Contains("taken over: 2 connections moved", run.Old.StandardError);
        // The handed configuration names server 1 (write does while it has a connection): it comes over removed.
        Assert.Contains(removedLine, await run.AskAsync("health"));
        Assert.Contains("\"state\":\"removed\"", await run.AskAsync("json servers"));
        using (var fresh = new HeldConnections())
        {
            for (var i = 0; i < 4; i++)
                Assert.Equal("s0", await fresh.OpenAsync(run.Listen.Endpoint));
        }

        await onServer1.SendAsync(Encoding.ASCII.GetBytes("still here\n"), SocketFlags.None);
        Assert.Equal("still here", await LoopbackClient.ReadLineAsync(onServer1));
        onServer1.Shutdown(SocketShutdown.Send);
        var listed = await Eventually.ValueAsync(() => run.AskAsync("servers"),
            r => r.Contains("\n1 addr 0.0.0.0 port 0 ", StringComparison.Ordinal));
        Assert.Contains("\n1 addr 0.0.0.0 port 0 conn 0 ", listed, StringComparison.Ordinal);
        Assert.Equal(1, servers[1].Accepted);
    }

    /// <summary>The PROXY header goes first on a server connection once: a connection that moves does not send it again.</summary>
    [Fact]
    public async Task A_moved_connection_does_not_send_its_proxy_header_again()
    {
        using var backend = new Security.RecordingBackend(TimeSpan.FromSeconds(90));
        using var run = await TakeoverRun.StartAsync([backend.Spec], "-o", "proxy v1");
        using var client = await LoopbackClient.ConnectAsync(run.Listen.Endpoint);
        var (from, to) = ((IPEndPoint)client.LocalEndPoint!, (IPEndPoint)client.RemoteEndPoint!);
        await client.SendAsync("before|"u8.ToArray());
        await run.WaitForServerConnectionsAsync(1);

        run.TakeOver();
        Assert.Equal(0, await run.Old.WaitForExitAsync(OldExitLimit));
        Assert.Contains("taken over: 1 connections moved", run.Old.StandardError);
        await client.SendAsync("after"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal($"PROXY TCP4 127.0.0.1 127.0.0.1 {from.Port} {to.Port}\r\nbefore|after", backend.NextReceived(TimeSpan.FromSeconds(30)));
    }

    private static async Task<SslStream> OpenTlsAsync(EndPoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        return tls;
    }

    private static async Task EchoAsync(SslStream tls, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        await tls.WriteAsync(bytes);
        var back = new byte[bytes.Length];
        await tls.ReadExactlyAsync(back).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(text, Encoding.ASCII.GetString(back));
    }

    private static async Task DisposeAsync(IAsyncDisposable disposable) => await disposable.DisposeAsync();
}
