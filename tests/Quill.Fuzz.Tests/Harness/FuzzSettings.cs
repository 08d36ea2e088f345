using System.Globalization;

namespace Quill.Fuzz.Tests.Harness;

/// <summary>
/// What a fuzz run does, from the environment, so the default suite runs a short version and tests/fuzz/run.sh the
/// full campaign with the same code.
/// </summary>
internal static class FuzzSettings
{
    /// <summary>Inputs per target in the default suite: enough to reach every generator branch, well under a minute in all.</summary>
    private const long DefaultIterations = 20_000;

    /// <summary>QUILL_FUZZ_ITERATIONS: inputs per target; a target whose inputs are slow (files, two dispatchers) may
    /// ask for a fraction of the default in the default suite.</summary>
    public static long Iterations(int defaultDivisor = 1) => Number("QUILL_FUZZ_ITERATIONS", DefaultIterations / defaultDivisor);

    /// <summary>QUILL_FUZZ_SECONDS: when set, each target runs this long instead of a number of inputs (the report
    /// says how many it reached).</summary>
    public static int Seconds => (int)Number("QUILL_FUZZ_SECONDS", -1);

    /// <summary>QUILL_FUZZ_HANG_MS: an input that takes longer than this, twice in a row, is a hang.</summary>
    public static TimeSpan HangBound => TimeSpan.FromMilliseconds(Number("QUILL_FUZZ_HANG_MS", 1000));

    /// <summary>QUILL_FUZZ_SEED: CsCheck's seed, to repeat a run; empty for a new random one.</summary>
    public static string? Seed => Environment.GetEnvironmentVariable("QUILL_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    /// <summary>QUILL_FUZZ_THREADS: sampling threads per target (CsCheck's default is one per core).</summary>
    public static int Threads => (int)Number("QUILL_FUZZ_THREADS", -1);

    /// <summary>QUILL_FUZZ_REPORT: a file that gets one line per target run (run.sh prints it).</summary>
    public static string? ReportFile => Environment.GetEnvironmentVariable("QUILL_FUZZ_REPORT") is { Length: > 0 } file ? file : null;

    private static long Number(string name, long fallback) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
}
