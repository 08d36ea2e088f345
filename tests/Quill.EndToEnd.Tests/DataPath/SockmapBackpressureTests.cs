using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.DataPath;

/// <summary>
/// With --sockmap the kernel relays a connection's bytes, and it would queue without limit what it takes from a
/// client for a server that does not read (1.9 GiB in 5 s before backpressure). Quill pauses the client's socket once
/// the kernel holds a few MiB for the server, so the client is held back by TCP's window as on the event loop, and
/// when the server has read what the kernel held, the event loop relays the rest: every byte arrives, in order.
/// </summary>
public sealed class SockmapBackpressureTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sockmap_ServerNotReading_ClientHeldBackWithinBound_ThenEveryByteArrives()
    {
        var stream = new ChecksumStream(seed: 11, length: 160 * MiB);
        using var sink = new ThrottledSink(bytesPerSecond: 4096L * MiB, released: false);
        var (quill, listen, web) = await StartAsync(sink);
        using (quill)
        {
            var available = MemAvailable();
            using var client = await LoopbackClient.ConnectAsync(listen.Endpoint);
            var sender = new CountingSender(client, stream);
            var sent = await sender.UntilStalledAsync(TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
            var held = available - MemAvailable();
            output.WriteLine($"a server that never reads: the client could send {sent / (double)MiB:F1} MiB, then nothing for 1.5 s; " +
                $"MemAvailable fell by {held / (double)MiB:F1} MiB meanwhile");
            Assert.True(sent < 64L * MiB, $"{sent} bytes taken from the client: the kernel queues without bound");
            Assert.False(sender.Done, "the whole stream went through to a server that does not read");

            sink.Release();
            await sender.Finished.WaitAsync(Bounded);
            var (sha256, length) = await sink.Received.WaitAsync(Bounded);
            Assert.Equal(stream.Length, length);
            Assert.Equal(stream.Sha256, sha256);
            Assert.Contains("\nquill_sockmap_connections_total 1\n", await Http.GetStringAsync($"http://127.0.0.1:{web}/metrics"));
        }
    }

    [Fact]
    public async Task Sockmap_SlowReadingServer_WholeStreamArrivesIntact()
    {
        var stream = new ChecksumStream(seed: 12, length: 64 * MiB);
        using var sink = new ThrottledSink(bytesPerSecond: 24L * MiB, released: true);
        var (quill, listen, web) = await StartAsync(sink);
        using (quill)
        {
            using var client = await LoopbackClient.ConnectAsync(listen.Endpoint);
            var clock = Stopwatch.StartNew();
            await stream.SendAsync(client, CancellationToken.None).WaitAsync(Bounded);
            var (sha256, length) = await sink.Received.WaitAsync(Bounded);
            output.WriteLine($"{length / MiB} MiB to a server reading 24 MiB/s: {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(stream.Length, length);
            Assert.Equal(stream.Sha256, sha256);
            // The server's end comes back through quill once it has read everything.
            Assert.Equal("", await LoopbackClient.ReadToEndAsync(client));
            Assert.Contains("\nquill_sockmap_connections_total 1\n", await Http.GetStringAsync($"http://127.0.0.1:{web}/metrics"));
        }
    }

    /// <summary>
    /// A bulk stream to a server that keeps up: the kernel's work queue, not the server, is what falls behind, so the
    /// client is paused and the loop takes the direction over once the kernel has sent what it took. Pausing and
    /// rejoining the kernel over and over lost bytes here (two 1 GiB streams in three came out short).
    /// </summary>
    [Fact]
    public async Task Sockmap_BulkStreamOutrunningTheKernel_ArrivesByteExact()
    {
        var stream = new ChecksumStream(seed: 13, length: 512 * MiB);
        using var sink = new ThrottledSink(bytesPerSecond: 64L * 1024 * MiB, released: true);
        var (quill, listen, _) = await StartAsync(sink);
        using (quill)
        {
            using var client = await LoopbackClient.ConnectAsync(listen.Endpoint);
            await stream.SendAsync(client, CancellationToken.None).WaitAsync(Bounded);
            var (sha256, length) = await sink.Received.WaitAsync(Bounded);
            Assert.Equal(stream.Length, length);
            Assert.Equal(stream.Sha256, sha256);
        }
    }

    private static async Task<(BalancerProcess Quill, ListenAddress Listen, int Web)> StartAsync(ThrottledSink sink)
    {
        var listen = ListenAddress.Loopback(FreePorts.Next());
        var web = FreePorts.Next();
        var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "--sockmap", "--web-listen", $"127.0.0.1:{web}", listen.Argument, sink.Spec]);
        try
        {
            await quill.WaitUntilListeningAsync(listen);
            await quill.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, web));
            return (quill, listen, web);
        }
        catch
        {
            quill.Dispose();
            throw;
        }
    }

    /// <summary>/proc/meminfo's MemAvailable, in bytes: what the kernel's own queues take shows here, not in quill's RSS.</summary>
    private static long MemAvailable()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    /// <summary>Sends a stream on a thread of its own, counting what the socket took, then half-closes.</summary>
    private sealed class CountingSender
    {
        private long _sent;

        public CountingSender(Socket socket, ChecksumStream stream) =>
            Finished = Task.Run(() =>
            {
                foreach (var chunk in stream.Chunks())
                {
                    for (var offset = 0; offset < chunk.Length;)
                    {
                        var sent = socket.Send(chunk.Span[offset..]);
                        offset += sent;
                        Interlocked.Add(ref _sent, sent);
                    }
                }
                socket.Shutdown(SocketShutdown.Send);
            });

        public Task Finished { get; }

        public bool Done => Finished.IsCompleted;

        /// <summary>The bytes sent once nothing more went for <paramref name="quiet"/> (or the stream ended), at most <paramref name="limit"/> on.</summary>
        public async Task<long> UntilStalledAsync(TimeSpan quiet, TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            var last = -1L;
            var since = Stopwatch.StartNew();
            while (clock.Elapsed < limit && !Finished.IsCompleted)
            {
                var now = Interlocked.Read(ref _sent);
                if (now != last) (last, since) = (now, Stopwatch.StartNew());
                else if (since.Elapsed >= quiet) return now;
                await Task.Delay(50);
            }
            return Interlocked.Read(ref _sent);
        }
    }
}
