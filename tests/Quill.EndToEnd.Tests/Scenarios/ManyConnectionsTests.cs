using System.Diagnostics;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

[Collection(HeavyCollection.Name)]
public sealed class ManyConnectionsTests
{
    private const int Connections = 5000;
    private const int Batch = 100;
    // Client and backend socket of every connection in this process, the balancer's in its own, plus headroom.
    private const ulong OpenFilesNeeded = 2 * Connections + 2000;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// 5,000 idle connections held open at once, then all closed: the balancer holds two descriptors per
    /// connection while they are open, no thread per connection, and afterwards its descriptors, threads and
    /// memory come back down and it still serves.
    /// </summary>
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task FiveThousandIdleConnections_HeldThenReleased_ResourcesSettleBack(BalancerKind kind)
    {
        Assert.True(PosixNative.RaiseOpenFileLimit(OpenFilesNeeded) >= OpenFilesNeeded, "RLIMIT_NOFILE too low for this test");
        using var backend = NamedBackend.OnLoopback("s0", holdOpen: true);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(kind, listen, ["-x", "6000", "-q", "1000"], backend.Spec);
        using (var warmUp = new HeldConnections())
        {
            for (var i = 0; i < 20; i++)
                Assert.Equal("s0", await warmUp.OpenAsync(listen.Endpoint));
        }
        await WaitUntilAsync(() => backend.Open == 0, "warm-up connections closed");
        var baseline = balancer.Status;

        var held = new HeldConnections();
        ProcessStatus peak;
        using (held)
        {
            var clock = Stopwatch.StartNew();
            while (held.Count < Connections && clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                var greetings = await Task.WhenAll(Enumerable.Range(0, Batch).Select(_ => held.OpenAsync(listen.Endpoint)));
                Assert.All(greetings, greeting => Assert.Equal("s0", greeting));
            }
            Assert.Equal(Connections, held.Count);
            await WaitUntilAsync(() => backend.Open == Connections, "every connection reached the backend");
            peak = balancer.Status;
        }

        // Two sockets per connection; not "baseline +", since the baseline can include pooled splice pipes that
        // idle connections give back.
        Assert.True(peak.OpenDescriptors >= 2 * Connections, $"baseline {baseline}, peak {peak}");
        Assert.True(peak.Threads < baseline.Threads + 50, $"a thread per connection? baseline {baseline}, peak {peak}");
        Assert.True(peak.ResidentKilobytes - baseline.ResidentKilobytes < Connections * 100L, $"over 100 kB per connection: baseline {baseline}, peak {peak}");

        await WaitUntilAsync(() => backend.Open == 0, "every connection closed at the backend");
        await WaitUntilAsync(() => balancer.Status.OpenDescriptors <= baseline.OpenDescriptors + 10, "descriptors released");
        var settled = balancer.Status;
        Assert.True(settled.Threads <= baseline.Threads + 16, $"threads did not settle: baseline {baseline}, settled {settled}");
        Assert.True(settled.ResidentKilobytes - baseline.ResidentKilobytes < 150_000, $"memory did not settle: baseline {baseline}, settled {settled}");
        using var after = new HeldConnections();
        Assert.Equal("s0", await after.OpenAsync(listen.Endpoint));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > SettleTimeout)
                Assert.Fail($"not reached within {SettleTimeout}: {what}");
            await Task.Delay(50);
        }
    }
}
