using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Observation;

/// <summary>The web endpoint stays off the data path under abuse (thousands of connections: run alone).</summary>
[Collection(HeavyCollection.Name)]
public sealed class WebReaderAbuseTests(ITestOutputHelper output)
{
    /// <summary>
    /// 10,000 connections to the web port that send nothing, and one that asks for /metrics and never reads, while
    /// clients go through quill: every client is served, none slower than a bound far below the endpoint's timeouts.
    /// </summary>
    [Fact]
    public async Task IdleAndNonReadingWebReaders_DoNotDelayClients()
    {
        using var servers = NamedBackends.Start(2);
        using var quill = await ObservedBalancer.StartAsync(["-r"], servers.Specs);
        var web = new IPEndPoint(IPAddress.Loopback, quill.WebPort);
        var baseline = await TimeClientsAsync(quill, 50);

        var idle = new List<Socket>();
        try
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 10_000 && clock.Elapsed < TimeSpan.FromSeconds(60); i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                // Spread over source addresses so the ephemeral ports of one address never run out.
                socket.Bind(new IPEndPoint(LoopbackClient.Source(10 + i % 50), 0));
                await socket.ConnectAsync(web);
            }
            var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024 };
            idle.Add(stalled);
            await stalled.ConnectAsync(web);
            await stalled.SendAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));

            Assert.Equal(10_001, idle.Count);

            var loaded = await TimeClientsAsync(quill, 50);
            output.WriteLine($"{idle.Count} web connections held; client time without: median {baseline.Median:F2} ms, max {baseline.Max:F2} ms; with: median {loaded.Median:F2} ms, max {loaded.Max:F2} ms");
            Assert.True(loaded.Max < 1000, $"a client took {loaded.Max} ms");
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }
    }

    private static async Task<(double Median, double Max)> TimeClientsAsync(ObservedBalancer quill, int count)
    {
        var times = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            Assert.StartsWith("s", await LoopbackClient.AskAsync(quill.Listen), StringComparison.Ordinal);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[count / 2], times[^1]);
    }
}
