using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>
/// The control port under abuse all at once: 1,000 concurrent silent clients, random bytes and a 10 MB line,
/// while a good client asks. Control/RobustnessTests covers each kind alone and one at a time.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class ControlAbuseTests(ITestOutputHelper output)
{
    private const int Concurrent = 1000;
    private const int HugeLine = 10 * 1024 * 1024;

    [Fact]
    public async Task ThousandConcurrentClientsRandomBytesAndTenMegabyteLine_GoodClientAnswered_NothingChanged()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);
        var modeBefore = await balancer.AskAsync("mode");
        var serversBefore = await balancer.AskAsync("servers");
        var before = balancer.Process.Status;
        using var silent = new ClientSockets();

        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => silent.OpenAsync(balancer.Control)));
        var random = new Random(7);
        var garbage = Enumerable.Range(0, 50).Select(_ =>
        {
            var bytes = new byte[random.Next(1, 8000)];
            random.NextBytes(bytes);
            return Penctl.ExchangeAsync(balancer.Control, bytes);
        }).ToList();
        var huge = Penctl.ExchangeAsync(balancer.Control, Enumerable.Repeat((byte)'x', HugeLine).ToArray());
        var clock = Stopwatch.StartNew();
        var mode = await balancer.AskAsync("mode");
        var answered = clock.Elapsed;
        var during = balancer.Process.Status;
        var hugeReply = Encoding.ASCII.GetString(await huge);
        await Task.WhenAll(garbage.Select(async exchange =>
        {
            try
            {
                await exchange;
            }
            catch (SocketException)
            {
                // Cut off mid-send for a line over the limit.
            }
        }));

        output.WriteLine($"good client answered in {answered.TotalMilliseconds:F0} ms beside {Concurrent} silent control clients, " +
            $"random bytes and a 10 MB line; quill {before} then {during}");
        Assert.Equal(modeBefore, mode);
        Assert.True(answered < TimeSpan.FromSeconds(1), $"the good control client waited {answered}");
        Assert.Equal("control: command longer than 4096 bytes\n", hugeReply);
        // The 10 MB line is read 4 KiB at a time and never whole; silent clients hold no buffer.
        Assert.True(during.ResidentKilobytes - before.ResidentKilobytes < 40_000, $"before {before}, during {during}");
        var bad = await balancer.AskAsync("server 0 max x");
        Assert.Matches("^[^\n]*: invalid number 'x'\n$", bad);
        Assert.Equal(serversBefore, await balancer.AskAsync("servers"));
        Assert.Equal("s0", await LoopbackClient.AskAsync(balancer.Listen.Endpoint));
        silent.Dispose();
        // Listener and control port are the sockets left.
        Assert.True(await Eventually.TrueAsync(() => ProcessStatus.TcpSockets(balancer.Process.Pid) == 2), $"{ProcessStatus.TcpSockets(balancer.Process.Pid)} sockets left");
    }
}
