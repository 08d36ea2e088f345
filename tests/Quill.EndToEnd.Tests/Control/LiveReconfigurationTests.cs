using System.Net;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Control;

/// <summary>
/// Changing servers and modes through the control port while clients keep coming: traffic moves as told and no
/// connection already made is dropped.
/// </summary>
public sealed class LiveReconfigurationTests
{
    [Fact]
    public async Task UnderTraffic_ServersAndModesChange_TrafficFollows_NothingInFlightIsDropped()
    {
        using var servers = NamedBackends.Start(3, holdOpen: true);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-r"], servers[0].Spec, servers[1].Spec);
        var endpoint = balancer.Listen.Endpoint;
        using var inFlight = new HeldConnections();
        for (var i = 0; i < 4; i++)
            await inFlight.OpenAsync(endpoint);
        using var load = new BackgroundClients(endpoint);

        Assert.Equal(["s0", "s1"], (await load.PicksAsync(endpoint, 6)).Distinct().Order());

        await Command(balancer, $"server 2 address 127.0.0.1 port {servers[2].Port}");
        Assert.Contains("s2", await load.PicksAsync(endpoint, 9));

        await Command(balancer, "server 0 blacklist 60");
        Assert.DoesNotContain("s0", await load.PicksAsync(endpoint, 9));
        await Command(balancer, "server 0 blacklist 0");
        Assert.Contains("s0", await load.PicksAsync(endpoint, 9));

        await Command(balancer, $"server 1 port {servers[2].Port}");
        Assert.DoesNotContain("s1", await load.PicksAsync(endpoint, 9));
        await Command(balancer, $"server 1 address 127.0.0.1 port {servers[1].Port}");
        Assert.Contains("s1", await load.PicksAsync(endpoint, 9));

        // Weights first: in weight mode a server of weight 0 is never chosen, so with all at 0 nobody gets in.
        await Command(balancer, "server 2 weight 5");
        await Command(balancer, "weight");
        Assert.Equal(["s2"], (await load.PicksAsync(endpoint, 6)).Distinct());
        await Command(balancer, "no weight");

        // The four in-flight connections sit on s0 and s1, two each: a limit of one fills both.
        await Command(balancer, "server 0 max 1");
        await Command(balancer, "server 1 max 1");
        Assert.Equal(["s2"], (await load.PicksAsync(endpoint, 6)).Distinct());
        await Command(balancer, "server 0 max 0");
        await Command(balancer, "server 1 max 0");

        // pen's hash: 127.0.0.10 read as a little-endian word is 0x0A00007F, 2 mod 3; 127.0.0.12 gives 1.
        await Command(balancer, "no roundrobin");
        await Command(balancer, "hash");
        Assert.Equal("s2", await PickAsync(endpoint, LoopbackClient.Source(10)));
        Assert.Equal("s1", await PickAsync(endpoint, LoopbackClient.Source(12)));
        await Command(balancer, "no hash");
        await Command(balancer, "roundrobin");

        // Stubborn closes a client whose server is down instead of failing over; the background load is paused,
        // since those closes are the point here.
        await load.PauseAsync();
        await Command(balancer, "stubborn");
        await Command(balancer, $"server 1 port {FreePorts.Next()}");
        var stubborn = await load.PicksAsync(endpoint, 6);
        Assert.Contains("", stubborn);
        Assert.DoesNotContain("s1", stubborn);
        await Command(balancer, "no stubborn");
        await Command(balancer, "server 1 blacklist 0");
        Assert.DoesNotContain("", await load.PicksAsync(endpoint, 6));
        load.Resume();

        Assert.Equal("no hash roundrobin no stubborn no weight no prio\n", await balancer.AskAsync("mode"));
        var completed = await load.StopAsync();
        Assert.True(completed > 0, "the background clients never got through");
        Assert.True(load.Failures.Count == 0, string.Join("; ", load.Failures));
        foreach (var socket in inFlight.Sockets)
        {
            await socket.SendAsync("ping\n"u8.ToArray());
            Assert.Equal("ping", await LoopbackClient.ReadLineAsync(socket));
        }
        Assert.False(balancer.Process.HasExited);
    }

    private static async Task Command(ControlledBalancer balancer, string command) =>
        Assert.Equal("", await balancer.AskAsync(command));

    private static async Task<string> PickAsync(EndPoint endpoint, IPAddress? source = null)
    {
        using var held = new HeldConnections();
        return await held.OpenAsync(endpoint, source);
    }

    /// <summary>A client loop from 127.0.0.1 that records every connection that got no greeting.</summary>
    private sealed class BackgroundClients : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly SemaphoreSlim _running = new(1, 1);
        private readonly Task<int> _loop;

        public BackgroundClients(EndPoint endpoint) => _loop = Task.Run(() => RunAsync(endpoint));

        private readonly List<(long Started, string Greeting)> _greetings = [];
        private long _clock;

        public List<string> Failures { get; } = [];

        /// <summary>
        /// <paramref name="count"/> connections of its own plus every background connection started meanwhile: the
        /// background clients take turns with these, so in round robin they alone might always see the same server.
        /// </summary>
        public async Task<List<string>> PicksAsync(EndPoint endpoint, int count)
        {
            var start = Interlocked.Increment(ref _clock);
            var picks = new List<string>();
            for (var i = 0; i < count; i++)
                picks.Add(await PickAsync(endpoint));
            lock (_greetings)
                picks.AddRange(_greetings.Where(g => g.Started > start).Select(g => g.Greeting));
            return picks;
        }

        public async Task PauseAsync() => await _running.WaitAsync();

        public void Resume() => _running.Release();

        public async Task<int> StopAsync()
        {
            _stop.Cancel();
            return await _loop.WaitAsync(Penctl.Timeout);
        }

        private async Task<int> RunAsync(EndPoint endpoint)
        {
            var completed = 0;
            while (!_stop.IsCancellationRequested)
            {
                await _running.WaitAsync();
                try
                {
                    var started = Interlocked.Increment(ref _clock);
                    var greeting = await PickAsync(endpoint);
                    lock (_greetings)
                        _greetings.Add((started, greeting));
                    if (greeting.Length == 0)
                        Failures.Add($"connection {completed} got no greeting");
                    completed++;
                }
                catch (Exception e)
                {
                    Failures.Add($"connection {completed}: {e.Message}");
                }
                finally
                {
                    _running.Release();
                }
            }
            return completed;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
