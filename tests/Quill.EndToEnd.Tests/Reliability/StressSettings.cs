using System.Globalization;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// The size of a byte-exactness campaign, from the environment so that tests/reliability/stress.sh can run the full
/// one; the defaults are the short version the default suite runs.
/// </summary>
internal sealed record StressSettings(int Connections, int MaxLength, int Concurrency, int Seed, TimeSpan StartDeadline, string? ReportFile)
{
    /// <summary>One connection's bound: 16 MiB each way with pauses through TLS on a busy 2-core machine fits well.</summary>
    public static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(120);

    public static StressSettings FromEnvironment() => new(
        Number("QUILL_STRESS_CONNECTIONS", 200),
        Number("QUILL_STRESS_MAX_BYTES", 2 * 1024 * 1024),
        Number("QUILL_STRESS_CONCURRENCY", 64),
        Number("QUILL_STRESS_SEED", 12),
        TimeSpan.FromSeconds(Number("QUILL_STRESS_DEADLINE_SECONDS", 60)),
        Environment.GetEnvironmentVariable("QUILL_STRESS_REPORT"));

    private static int Number(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
