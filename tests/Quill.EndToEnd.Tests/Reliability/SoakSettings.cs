using System.Globalization;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// The soak's size and chaos timing. The defaults are the short run in the default suite; tests/reliability/soak.sh
/// sets SOAK_CONNECTIONS, SOAK_SECONDS, SOAK_CONCURRENCY, SOAK_QUILL_DEFAULTS and SOAK_FIGURES for the full run.
/// </summary>
internal sealed record SoakSettings
{
    /// <summary>Connections to open; the load stops earlier if <see cref="Limit"/> passes first.</summary>
    public int Connections { get; init; } = Read("SOAK_CONNECTIONS", 400_000);

    public TimeSpan Limit { get; init; } = TimeSpan.FromSeconds(Read("SOAK_SECONDS", 70));

    public int Concurrency { get; init; } = Read("SOAK_CONCURRENCY", 32);

    /// <summary>Where the figures go as markdown lines; none when unset.</summary>
    public string? FiguresPath { get; init; } = Environment.GetEnvironmentVariable("SOAK_FIGURES") is { Length: > 0 } path ? path : null;

    public TimeSpan KillPeriod { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan FirstStop { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan StopPeriod { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan StopLength { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longer than a stop, so a connection that waits out a stopped backend is slow, not failed.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The warm-up, left out of the flatness check, is the first quarter of the run and at least this long: JIT,
    /// pools and the GC's budgets settle in it.
    /// </summary>
    public TimeSpan MinimumWarmUp { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runtime variables for quill in the short run; none when SOAK_QUILL_DEFAULTS=1 (the full run). The runtime sizes
    /// gen0 from the CPU cache, tens of MB on this machine, and tiered compilation recompiles a method after its 30th
    /// call, which for the failover path takes dozens of kills: quill's RSS keeps climbing for longer than a one-minute
    /// run. A 1 MB gen0 and no tiering bring the plateau within seconds; a leak still grows. (NativeAOT has neither.)
    /// </summary>
    public IReadOnlyDictionary<string, string> QuillRuntime { get; init; } =
        Environment.GetEnvironmentVariable("SOAK_QUILL_DEFAULTS") == "1"
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x100000", ["DOTNET_TieredCompilation"] = "0" };

    public TimeSpan WarmUp(TimeSpan duration) => duration / 4 > MinimumWarmUp ? duration / 4 : MinimumWarmUp;

    private static int Read(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : fallback;
}
