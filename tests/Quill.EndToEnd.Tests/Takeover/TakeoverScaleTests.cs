using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Tls;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// The issue's load, takeover after takeover: plain clients that stream both ways without pause, each from its own
/// address (sticky: each must keep its server across every takeover), TLS clients held across each takeover of a TLS
/// quill (they finish on the old process), and a new connection about every millisecond. Nothing is refused, reset or
/// corrupted; each takeover moves every plain connection; the socket count of the serving process stays flat.
/// The suite runs 2 rounds with 30 plain and 6 TLS connections; tests/takeover/scale.sh runs the issue's 10 rounds with
/// 100 and 20 (QUILL_TAKEOVER_SCALE_PLAIN, _TLS, _ROUNDS), and with QUILL_TAKEOVER_SCALE_WATCHED=1 the plain quill
/// runs with -H and -l, so every plain connection moves with its filter's state.
/// </summary>
public sealed class TakeoverScaleTests(CertificateFixture certificates, ITestOutputHelper output) : IClassFixture<CertificateFixture>
{
    /// <summary>Sticky probes' ids: apart from the ping loop's, which count from 0.</summary>
    private const int ProbeIds = 1 << 30;

    /// <summary>Sockets that may come and go under load: the ping loop's one connection in flight, both ends.</summary>
    private const int SocketSlack = 2;

    [Fact]
    public async Task Takeovers_in_a_row_under_load_lose_nothing_and_leak_no_descriptor()
    {
        var plainCount = Setting("QUILL_TAKEOVER_SCALE_PLAIN", 30);
        var tlsCount = Setting("QUILL_TAKEOVER_SCALE_TLS", 6);
        var rounds = Setting("QUILL_TAKEOVER_SCALE_ROUNDS", 2);
        using var directory = new TempDirectory();
        string[] plainOptions = Setting("QUILL_TAKEOVER_SCALE_WATCHED", 0) == 1 ? ["-x", "1000", "-H", "-l", directory.File("access.log")] : ["-x", "1000"];
        var backends = Enumerable.Range(0, 3).Select(_ => new StreamingBackend()).ToArray();
        var pumps = new List<EchoPump>();
        try
        {
            string[] servers = [.. backends.Select(backend => backend.Spec)];
            using var plain = await TakeoverRun.StartAsync(servers, plainOptions);
            using var secure = await TakeoverRun.StartAsync(servers, "-x", "1000", "--grace", "60",
                "-E", certificates.Set.ServerCertificate, "-K", certificates.Set.ServerKey);
            for (var i = 0; i < plainCount; i++)
                pumps.Add(await EchoPump.OpenAsync(plain.Listen.Endpoint, i, ClientAddress(i)));
            await plain.WaitForServerConnectionsAsync(plainCount / servers.Length);
            var homes = await ServersOfAsync(plain, backends, plainCount, 0);

            var servingPlain = plain.Old;
            var servingSecure = secure.Old;
            var sockets = new List<int>();
            var clock = Stopwatch.StartNew();
            await using (var pings = new PingLoop(plain.Listen.Endpoint))
            {
                await pings.WaitForAsync(50);
                for (var round = 1; round <= rounds; round++)
                {
                    var held = new List<EchoPump>();
                    for (var i = 0; i < tlsCount; i++)
                        held.Add(await EchoPump.OpenAsync(secure.Listen.Endpoint, round * 10_000 + i, tls: true));
                    foreach (var pump in held) Assert.True(await pump.AdvancesAsync(), pump.Failure);

                    var (previousPlain, previousSecure) = (servingPlain, servingSecure);
                    servingPlain = plain.TakeOver();
                    servingSecure = secure.TakeOver();
                    Assert.True(await Eventually.TrueAsync(() => previousPlain.HasExited, TimeSpan.FromSeconds(60)),
                        $"the old process did not exit; the new one says:\n{servingPlain.StandardError}");
                    Assert.Equal(0, await previousPlain.WaitForExitAsync());
                    var moved = Regex.Match(previousPlain.StandardError, @"taken over: (\d+) connections moved in (\d+) ms");
                    Assert.True(moved.Success, previousPlain.StandardError);
                    // The ping loop's one connection may be in flight and move too.
                    Assert.InRange(int.Parse(moved.Groups[1].Value, CultureInfo.InvariantCulture), plainCount, plainCount + 1);
                    await plain.WaitUntilTakeoverReadyAsync(servingPlain);
                    foreach (var pump in pumps) Assert.True(await pump.AdvancesAsync(), pump.Failure ?? "a plain pump stalled");

                    // Each TLS client goes on with the old process, then finishes there; the old one then exits.
                    Assert.True(await Eventually.TrueAsync(() => previousSecure.StandardError.Contains("taken over: 0 connections moved", StringComparison.Ordinal),
                        TimeSpan.FromSeconds(60)), previousSecure.StandardError);
                    Assert.False(previousSecure.HasExited);
                    foreach (var pump in held) Assert.True(await pump.AdvancesAsync(), pump.Failure ?? "a TLS pump stalled");
                    foreach (var pump in held)
                    {
                        Assert.Null(await pump.StopAsync());
                        await pump.DisposeAsync();
                    }
                    Assert.Equal(0, await previousSecure.WaitForExitAsync(TimeSpan.FromSeconds(30)));
                    await secure.WaitUntilTakeoverReadyAsync(servingSecure);

                    Assert.Equal(homes, await ServersOfAsync(plain, backends, plainCount, round));
                    sockets.Add(await SteadySocketsAsync(servingPlain));
                    output.WriteLine($"round {round}: {moved.Groups[1].Value} moved in {moved.Groups[2].Value} ms; serving process holds {sockets[^1]} sockets; {pings.Succeeded} pings so far");
                }
                await pings.DisposeAsync();
                Assert.Equal(0, pings.Refused);
                Assert.Empty(pings.Failures);
                output.WriteLine($"{rounds} takeovers in {clock.Elapsed.TotalSeconds:F1} s: {pings.Succeeded} new connections, none refused or reset");
            }
            Assert.InRange(sockets.Max() - sockets.Min(), 0, SocketSlack);
            long echoed = 0;
            foreach (var pump in pumps)
            {
                Assert.Null(await pump.StopAsync());
                echoed += pump.Echoed;
            }
            output.WriteLine($"{plainCount} plain connections echoed {echoed} bytes intact across {rounds} takeovers; sockets per round: {string.Join(", ", sockets)}");
        }
        finally
        {
            foreach (var pump in pumps) await pump.DisposeAsync();
            foreach (var backend in backends) backend.Dispose();
        }
    }

    /// <summary>The fewest sockets the process holds over a quarter second: connections in flight come and go, a leak stays.</summary>
    private static async Task<int> SteadySocketsAsync(BalancerProcess process)
    {
        var fewest = int.MaxValue;
        for (var sample = 0; sample < 10; sample++)
        {
            fewest = Math.Min(fewest, ListeningSockets.SocketInodes(process.Pid).Count);
            await Task.Delay(25);
        }
        return fewest;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    /// <summary>Client i's own address: 127.1.x.y, each a distinct client to the balancer.</summary>
    private static IPAddress ClientAddress(int i) => new([127, 1, (byte)(i / 250), (byte)(1 + i % 250)]);

    /// <summary>The backend each client reaches now: one ping from each client's address.</summary>
    private static async Task<int[]> ServersOfAsync(TakeoverRun run, StreamingBackend[] backends, int clients, int round)
    {
        var homes = new int[clients];
        for (var i = 0; i < clients; i++)
        {
            var id = ProbeIds + round * 100_000 + i;
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(ClientAddress(i), 0));
            await socket.ConnectAsync(run.Listen.Endpoint).WaitAsync(TimeSpan.FromSeconds(20));
            await socket.SendAsync((byte[])[(byte)'P', .. BitConverter.GetBytes(id)]);
            Assert.Equal("pong", await LoopbackClient.ReadToEndAsync(socket));
            homes[i] = Array.FindIndex(backends, backend => backend.Pinged(id));
        }
        return homes;
    }
}
