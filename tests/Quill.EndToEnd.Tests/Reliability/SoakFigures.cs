using System.Diagnostics;
using System.Globalization;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>What one soak run measured, the checks it must pass, and the figures as markdown lines.</summary>
internal sealed class SoakFigures
{
    /// <summary>
    /// The last tenth of the samples after warm-up may be at most this much above the first tenth. Below is no
    /// failure: the runtime hands memory back, the thread pool retires workers.
    /// </summary>
    private const double Flatness = 0.05;

    /// <summary>
    /// 5% of quill's dozen or so threads is less than one thread, and the runtime starts and ends its tiering
    /// compiler thread by itself: a difference of one thread counts as flat.
    /// </summary>
    private const double ThreadResolution = 1;

    private readonly List<string> _lines = [];
    private readonly List<string> _violations = [];

    public SoakFigures(SoakRun run)
    {
        var seconds = run.Duration.TotalSeconds;
        var cpu = run.Samples.Count > 0 ? run.Samples[^1].Cpu - run.Samples[0].Cpu : TimeSpan.Zero;
        Line($"quill: {run.QuillBuild}");
        Line($"connections: {run.Load.Records.Count} in {seconds:F1} s = {run.Load.Records.Count / seconds:F0} conn/s, concurrency {run.Settings.Concurrency}");
        Line($"chaos: {run.Chaos.Kills.Count} SIGKILL+restart (every {run.Settings.KillPeriod.TotalSeconds:F0} s), {run.Chaos.Stops} SIGSTOP of {run.Settings.StopLength.TotalSeconds:F0} s (every {run.Settings.StopPeriod.TotalSeconds:F0} s)");
        Downtimes(run.Chaos.Kills);
        Outcomes(run);
        Line($"quill CPU: {cpu.TotalSeconds:F1} s over {seconds:F1} s ({100 * cpu.TotalSeconds / seconds:F0}% of one core)");
        Resources(run);
    }

    /// <summary>Markdown list lines, ready for bench/results/reliability.md.</summary>
    public string Markdown => string.Concat(_lines.Select(line => $"- {line}\n"));

    /// <summary>The checks that failed, one line each; empty when the run passed.</summary>
    public IReadOnlyList<string> Violations => _violations;

    /// <summary>How long a killed backend refused connections: from the SIGKILL until the new nginx accepted.</summary>
    private void Downtimes(IReadOnlyList<SoakKill> kills)
    {
        if (kills.Count == 0) return;
        var downtimes = kills.Select(kill => Stopwatch.GetElapsedTime(kill.Sent, kill.Restarted).TotalMilliseconds).Order().ToList();
        var perBackend = kills.GroupBy(kill => kill.Backend).OrderBy(group => group.Key).Select(group => group.Count());
        Line($"kills per backend: {string.Join(" / ", perBackend)}; a killed backend was down (SIGKILL to accepting again) p50 {Percentile(downtimes, 0.50):F0} ms, max {downtimes[^1]:F0} ms");
    }

    /// <summary>(a) and (b): every connection's outcome, failures matched to the kills; latency of the completed ones.</summary>
    private void Outcomes(SoakRun run)
    {
        var records = run.Load.Records;
        var accounting = new SoakKillAccounting(records, run.Chaos.Kills);
        var latencies = new List<double>(records.Count);
        for (var index = 0; index < records.Count; index++)
        {
            if (records.Outcome(index) == SoakOutcome.Completed)
                latencies.Add(Stopwatch.GetElapsedTime(records.Start(index), records.End(index)).TotalMilliseconds);
        }
        latencies.Sort();
        var unexplained = accounting.Unexplained.Sum();
        Line($"completed: {latencies.Count}; served by backend: {string.Join(" / ", run.Load.ServedBy)}");
        Line($"(a) failed with a backend alive, unexplained by a kill: {unexplained} ({Breakdown(accounting.Unexplained)})");
        Line($"(b) broken by a kill (reset or cut after the request, in flight at a SIGKILL): {accounting.BrokenByKill.Sum()}; client connections in flight at the kills: {accounting.InFlightAtKill.Sum()} (max {Max(accounting.InFlightAtKill)} at one kill)");
        Line($"latency of completed connections: p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {(latencies.Count > 0 ? latencies[^1] : 0):F0} ms");

        if (unexplained != 0)
            _violations.Add($"{unexplained} connections failed without a kill to explain them ({Breakdown(accounting.Unexplained)})");
        for (var kill = 0; kill < accounting.BrokenByKill.Length; kill++)
        {
            if (accounting.BrokenByKill[kill] > accounting.InFlightAtKill[kill])
                _violations.Add($"kill {kill}: {accounting.BrokenByKill[kill]} broken but only {accounting.InFlightAtKill[kill]} in flight");
        }
    }

    /// <summary>(c): quill's resources after the warm-up, and its descriptors at rest before and after.</summary>
    private void Resources(SoakRun run)
    {
        var warmUp = run.Settings.WarmUp(run.Duration);
        var steady = run.Samples.Where(sample => sample.At >= warmUp).ToList();
        var tenth = Math.Max(1, steady.Count / 10);
        Line($"(c) resources: {steady.Count} samples after a {warmUp.TotalSeconds:F0} s warm-up (a quarter of the run, at least {run.Settings.MinimumWarmUp.TotalSeconds:F0} s), quill runtime {(run.Settings.QuillRuntime.Count == 0 ? "defaults" : string.Join(" ", run.Settings.QuillRuntime.Select(variable => $"{variable.Key}={variable.Value}")))}, first and last {tenth} averaged; idle before {run.IdleBefore}, idle after {run.IdleAfter}");
        Line($"quill descriptors idle before: {run.DescriptorsBefore}; after: {run.DescriptorsAfter}");
        if (run.IdleAfter.OpenDescriptors > run.IdleBefore.OpenDescriptors)
            _violations.Add($"descriptors leaked: idle before {run.IdleBefore}, idle after {run.IdleAfter}");
        if (steady.Count < 2)
        {
            _violations.Add($"too few samples after warm-up ({steady.Count})");
            return;
        }
        Flat("RSS kB", steady, tenth, sample => sample.ResidentKilobytes);
        Flat("threads besides the runtime's pool workers", steady, tenth, sample => sample.ThreadsBesidesPool, ThreadResolution);
        Line($"threads in all: {steady.Min(sample => sample.Threads)} to {steady.Max(sample => sample.Threads)}, of which pool workers {steady.Min(sample => sample.PoolWorkers)} to {steady.Max(sample => sample.PoolWorkers)}");
        Flat("open fds other than sockets", steady, tenth, sample => sample.OtherDescriptors);
        Line(string.Create(CultureInfo.InvariantCulture,
            $"open fds in all (they follow the connections open at the sample; the leak check is the idle count): first 10% {steady.Take(tenth).Average(sample => sample.Descriptors):F0}, last 10% {steady.TakeLast(tenth).Average(sample => sample.Descriptors):F0}, max {steady.Max(sample => sample.Descriptors)}, of which sockets at most {steady.Max(sample => sample.Sockets)}"));
    }

    private void Line(string text) => _lines.Add(text);

    private void Flat(string name, List<ResourceSample> steady, int tenth, Func<ResourceSample, double> value, double resolution = 0)
    {
        var first = steady.Take(tenth).Average(value);
        var last = steady.TakeLast(tenth).Average(value);
        var change = (last - first) / first;
        var within = change <= Flatness || last - first <= resolution;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"{name}: first 10% {first:F0}, last 10% {last:F0} ({change:+0.0%;-0.0%;0.0%}), min {steady.Min(value):F0}, max {steady.Max(value):F0}: {(within ? "flat" : "GREW")}"));
        if (!within)
            _violations.Add($"{name} grew: first 10% {first:F0}, last 10% {last:F0}");
    }

    private static string Breakdown(int[] byOutcome)
    {
        var parts = Enum.GetValues<SoakOutcome>()
            .Where(outcome => byOutcome[(int)outcome] > 0)
            .Select(outcome => $"{outcome} {byOutcome[(int)outcome]}");
        var text = string.Join(", ", parts);
        return text.Length > 0 ? text : "none";
    }

    private static int Max(int[] values) => values.Length > 0 ? values.Max() : 0;

    private static double Percentile(List<double> sorted, double fraction) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(fraction * sorted.Count))];
}
