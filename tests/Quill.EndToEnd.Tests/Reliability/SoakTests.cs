using System.Diagnostics;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// Short connections through quill to three nginx processes while a chaos loop SIGKILLs and restarts one every
/// 2 s and SIGSTOPs one for 5 s every 15 s. In the default suite it is the short run (about a minute); the
/// full million connections run from tests/reliability/soak.sh with the same checks.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Backends = 3;
    // Enough for the checks to mean something on a slow, shared machine; far below what the short run reaches.
    private const int MinimumConnections = 10_000;
    private const int WarmUpConnections = 30;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// quill runs round-robin (-r) with a 1 s blacklist (-b 1): a killed backend refuses connects until it is back,
    /// so quill blacklists it and fails over, and it is back in the rotation before the next kill. With pen's
    /// default of 30 s every backend would be blacklisted within 6 s, and then pen and quill refuse clients.
    /// </summary>
    [Fact]
    public async Task ShortConnections_BackendsKilledAndStopped_NoneFailUnlessInFlightAtAKill_ResourcesFlat()
    {
        Assert.True(NginxFixture.IsInstalled, $"nginx is needed at {NginxFixture.Executable}");
        var settings = new SoakSettings();
        var backends = new List<SoakBackend>();
        try
        {
            for (var index = 0; index < Backends; index++)
                backends.Add(await SoakBackend.StartAsync(index));
            var listen = ListenAddress.Loopback(FreePorts.Next());
            using var quill = await StartQuillAsync(settings, listen, backends);
            await FailOverOnceAsync(listen, backends[0], settings.ClientTimeout);
            var idleBefore = quill.Status;
            var descriptorsBefore = DescriptorKinds.Describe(quill.Pid);

            var load = new SoakLoad(listen.Endpoint, settings.Connections, Backends, settings.ClientTimeout);
            var chaos = new SoakChaos(backends, settings);
            var sampler = new ResourceSampler(quill.Pid);
            using var loadOver = new CancellationTokenSource();
            var chaosRun = chaos.RunAsync(loadOver.Token);
            var sampling = sampler.RunAsync(loadOver.Token);
            var clock = Stopwatch.StartNew();
            await load.RunAsync(settings.Concurrency, settings.Limit);
            var duration = clock.Elapsed;
            await loadOver.CancelAsync();
            await Task.WhenAll(chaosRun, sampling);

            Assert.False(quill.HasExited, $"quill exited during the soak; stderr: {quill.StandardError}");
            var idleAfter = await Eventually.ValueAsync(() => Task.FromResult(quill.Status),
                status => status.OpenDescriptors <= idleBefore.OpenDescriptors, SettleTimeout);
            var figures = new SoakFigures(new SoakRun(settings, Build, load, chaos, sampler.Samples, duration, idleBefore, idleAfter,
                descriptorsBefore, DescriptorKinds.Describe(quill.Pid)));
            output.WriteLine(figures.Markdown);
            if (settings.FiguresPath is { } path)
                await File.WriteAllTextAsync(path, figures.Markdown);

            Assert.True(load.Records.Count >= Math.Min(MinimumConnections, settings.Connections),
                $"only {load.Records.Count} connections in {duration}");
            Assert.True(chaos.Kills.Count >= 2 && chaos.Stops >= 1, $"{chaos.Kills.Count} kills, {chaos.Stops} stops: too little chaos");
            Assert.True(figures.Violations.Count == 0, string.Join("\n", figures.Violations) + "\n" + figures.Markdown);
        }
        finally
        {
            foreach (var backend in backends)
                backend.Dispose();
        }
    }

    private static async Task<BalancerProcess> StartQuillAsync(SoakSettings settings, ListenAddress listen, List<SoakBackend> backends)
    {
        var quill = BalancerProcess.Launch(BalancerKind.Quill,
            ["-f", "-r", "-b", "1", listen.Argument, .. backends.Select(backend => backend.Spec)], settings.QuillRuntime);
        try
        {
            await quill.WaitUntilListeningAsync(listen);
            return quill;
        }
        catch
        {
            quill.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One refused connect and failover before the baseline is taken: quill opens its stderr writer on the first
    /// "blacklisting" message, and those descriptors are not a leak. Every warm-up connection must still complete.
    /// </summary>
    private static async Task FailOverOnceAsync(ListenAddress listen, SoakBackend victim, TimeSpan clientTimeout)
    {
        await victim.KillAsync();
        var warmUp = new SoakLoad(listen.Endpoint, WarmUpConnections, Backends, clientTimeout);
        await warmUp.RunAsync(concurrency: 1, SettleTimeout);
        await victim.RestartAsync();
        Assert.Equal(WarmUpConnections, warmUp.ServedBy.Sum());
        Assert.Equal(0, warmUp.ServedBy[victim.Index]);
    }

    private static string Build =>
        Environment.GetEnvironmentVariable("QUILL_EXECUTABLE") is { Length: > 0 } executable
            ? executable
            : $"test build ({RepositoryLayout.Configuration}, JIT): {RepositoryLayout.QuillExecutable}";
}
