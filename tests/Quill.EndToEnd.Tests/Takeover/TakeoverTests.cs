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

    [Fact]
    public async Task Live_connections_move_byte_exact_and_no_new_client_is_refused()
    {
        using var backend = new StreamingBackend();
        using var run = await Running.StartAsync(backend.Spec);
        var streams = new List<LongLivedStream>();
        try
        {
            var shapes = Enum.GetValues<StreamShape>();
            for (var id = 0; id < 2 * shapes.Length; id++)
                streams.Add(await LongLivedStream.OpenAsync(run.Listen.Endpoint, id, shapes[id % shapes.Length], lazyReader: id >= shapes.Length));
            // Every stream relayed by the old process before the takeover comes.
            await run.WaitForServerConnectionsAsync(streams.Count);

            PingLoop pings;
            long pingsBefore;
            await using (pings = new PingLoop(run.Listen.Endpoint))
            {
                await pings.WaitForAsync(50);
                var clock = Stopwatch.StartNew();
                using var next = run.TakeOver();
                Assert.Equal(0, await run.Old.WaitForExitAsync(OldExitLimit));
                output.WriteLine($"takeover with {streams.Count} live connections: old process gone after {clock.ElapsedMilliseconds} ms");
                // The ping loop's one connection may be in flight at the handover and move with the streams.
                var moved = Regex.Match(run.Old.StandardError, @"taken over: (\d+) connections moved");
                Assert.True(moved.Success, run.Old.StandardError);
                Assert.InRange(int.Parse(moved.Groups[1].Value), streams.Count, streams.Count + 1);
                pingsBefore = pings.Succeeded;
                await pings.WaitForAsync(50);

                backend.ReleaseSecondParts();
                foreach (var stream in streams)
                {
                    var (sent, received, length) = await stream.FinishAsync().WaitAsync(TimeSpan.FromSeconds(20));
                    var (backendReceived, backendSent) = await backend.DigestsAsync(stream.Id).WaitAsync(TimeSpan.FromSeconds(20));
                    Assert.True(sent == backendReceived, $"stream {stream.Id} ({stream.Shape}): the server got other bytes than the client sent");
                    Assert.True(backendSent == received, $"stream {stream.Id} ({stream.Shape}): the client got {length} bytes, not what the server sent");
                }
                await DisposeAsync(pings);
                Assert.Empty(pings.Failures);
                output.WriteLine($"{pings.Succeeded} new connections, {pingsBefore} before the old process exited, none refused or reset");

                // The new process's counters carry on from the old one's: every byte of every connection, counted once.
                var toServer = streams.Count * LongLivedStream.BytesToServer + 5L * pings.Succeeded;
                var toClient = streams.Count * (long)(StreamingBackend.FirstPart + StreamingBackend.SecondPart) + 4L * pings.Succeeded;
                var servers = await Eventually.ValueAsync(() => next.AskAsync("servers"),
                    reply => reply.Contains($"sx {toServer} rx {toClient}", StringComparison.Ordinal));
                Assert.Contains($"conn 0 ", servers);
                Assert.Contains($"sx {toServer} rx {toClient}", servers);
                var recent = await next.AskAsync("recent");
                Assert.Equal($"127.0.0.1 connects {streams.Count + pings.Succeeded} sx {toClient} rx {toServer}\n", recent);
            }
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
        }
    }

    [Fact]
    public async Task A_tls_connection_drains_on_the_old_process_which_then_exits()
    {
        using var backend = new EchoBackend();
        using var run = await Running.StartAsync(backend.Spec, "-d", "--grace", "20", "-E", certificates.Set.ServerCertificate, "-K", certificates.Set.ServerKey);
        using var tls = await OpenTlsAsync(run.Listen.Endpoint);
        await EchoAsync(tls, "before");

        using var next = run.TakeOver();
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

    /// <summary>A quill started with -p and a control port, and the arguments to start its successor with.</summary>
    private sealed class Running : IDisposable
    {
        private readonly TempDirectory _directory = new();
        private readonly List<BalancerProcess> _processes = [];

        private Running(string server, string[] extra)
        {
            Listen = ListenAddress.Loopback(FreePorts.Next());
            Control = new IPEndPoint(IPAddress.Loopback, FreePorts.Next());
            // The connections that move are the event loop's: those the kernel relays (sockmap, the default) finish in
            // the old process within --grace instead (see README, Kernel-side relaying).
            Arguments = ["-f", "--no-sockmap", .. ControlledBalancer.AsRootOptions, "-p", _directory.File("quill.pid"),
                "-C", $"127.0.0.1:{Control.Port}", .. extra, Listen.Argument, server];
        }

        public ListenAddress Listen { get; }
        public IPEndPoint Control { get; }
        public string[] Arguments { get; }
        public BalancerProcess Old => _processes[0];

        public static async Task<Running> StartAsync(string server, params string[] extra)
        {
            var running = new Running(server, extra);
            try
            {
                var old = BalancerProcess.Launch(BalancerKind.Quill, running.Arguments);
                running._processes.Add(old);
                await old.WaitUntilListeningAsync(running.Listen);
                await old.WaitUntilListeningAsync(running.Control);
                // The takeover socket opens once the listener accepts.
                Assert.True(await Eventually.TrueAsync(() => File.Exists(running._directory.File("quill.pid.takeover"))));
                return running;
            }
            catch
            {
                running.Dispose();
                throw;
            }
        }

        public async Task WaitForServerConnectionsAsync(int count)
        {
            var servers = await Eventually.ValueAsync(() => Penctl.AskAsync(Control, "servers"),
                reply => reply.Contains($"conn {count} ", StringComparison.Ordinal));
            Assert.Contains($"conn {count} ", servers);
        }

        /// <summary>Starts the successor with the same arguments and --takeover; its control port is the same.</summary>
        public Successor TakeOver()
        {
            var next = BalancerProcess.Launch(BalancerKind.Quill, ["--takeover", .. Arguments]);
            _processes.Add(next);
            return new Successor(next, Control);
        }

        public void Dispose()
        {
            foreach (var process in _processes) process.Dispose();
            _directory.Dispose();
        }
    }

    private sealed class Successor(BalancerProcess process, IPEndPoint control) : IDisposable
    {
        public Task<string> AskAsync(string command) => Penctl.AskAsync(control, command);

        public void Dispose() => process.Dispose();
    }
}
