using System.Diagnostics;
using System.Globalization;
using CsCheck;

namespace Quill.Fuzz.Tests.Harness;

/// <summary>
/// Runs one target: CsCheck samples the generator on every core, each input goes through the property under a time
/// bound, and the figures (inputs, time, exec/s, failures) go to the report file. CsCheck shrinks a failing input
/// and its exception names the seed that repeats the run.
/// </summary>
internal static class FuzzCampaign
{
    public static void Run<T>(string target, Gen<T> inputs, Action<T> property, Func<T, string> print, int defaultDivisor = 1)
    {
        var guarded = TimeBound.Guard(property, print);
        long count = 0;
        var clock = Stopwatch.StartNew();
        Exception? failure = null;
        try
        {
            inputs.Sample(input =>
            {
                guarded(input);
                Interlocked.Increment(ref count);
            }, iter: FuzzSettings.Iterations(defaultDivisor), time: FuzzSettings.Seconds, threads: FuzzSettings.Threads, seed: FuzzSettings.Seed, print: print);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            Report(target, Interlocked.Read(ref count), clock.Elapsed, failure);
        }
        if (failure is not null) throw new FuzzFailureException(target, failure);
    }

    /// <summary>Replays fixed inputs (the seed corpus and every input that once failed) through the same property.</summary>
    /// <remarks>
    /// Four hang bounds an input: the corpus keeps inputs that grow tables to their largest (server 65535 makes 65,536
    /// servers, snapshotted after every line), which take half a bound on a quiet machine and more than one on a loaded one.
    /// </remarks>
    public static void Replay<T>(IEnumerable<T> inputs, Action<T> property, Func<T, string> print)
    {
        var guarded = TimeBound.Guard(property, print, slack: 4);
        foreach (var input in inputs)
        {
            guarded(input);
        }
    }

    private static void Report(string target, long inputs, TimeSpan time, Exception? failure)
    {
        if (FuzzSettings.ReportFile is not { } file) return;
        var seconds = Math.Max(time.TotalSeconds, 0.001);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{target,-12} inputs {inputs,12:N0}  time {seconds,8:F1} s  exec/s {inputs / seconds,10:N0}  failures {(failure is null ? 0 : 1)}");
        lock (typeof(FuzzCampaign))
        {
            File.AppendAllText(file, line + "\n");
            if (failure is not null) File.AppendAllText(file, $"  {target}: {failure.Message.ReplaceLineEndings("\n  ")}\n");
        }
    }
}

/// <summary>A target's property failed; the inner exception is CsCheck's, with the shrunk input and the seed.</summary>
internal sealed class FuzzFailureException(string target, Exception inner)
    : Exception($"fuzz target {target} failed: {inner.Message}", inner);
