using System.Globalization;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// The soak's size and chaos timing. The defaults are the short run in the default suite; tests/reliability/soak.sh
/// sets SOAK_CONNECTIONS, SOAK_SECONDS, SOAK_CONCURRENCY, SOAK_QUILL_GEN0 and SOAK_FIGURES for the full run.
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
    /// quill's gen0 GC budget (DOTNET_GCgen0size, hex), or null for the runtime's own. The runtime sizes gen0 from the
    /// CPU cache, tens of MB on this machine, and quill's RSS climbs until the first collections, after some 100,000
    /// connections: too late for a one-minute run to see a plateau. A small budget (1 MB) brings it within seconds and keeps
    /// the sawtooth between collections small; a leak still grows. Set SOAK_QUILL_GEN0 empty for the runtime's default (NativeAOT ignores the variable anyway).
    /// </summary>
    public string? QuillGen0Budget { get; init; } = Environment.GetEnvironmentVariable("SOAK_QUILL_GEN0") switch
    {
        null => "0x100000",
        "" => null,
        var budget => budget,
    };

    public TimeSpan WarmUp(TimeSpan duration) => duration / 4 > MinimumWarmUp ? duration / 4 : MinimumWarmUp;

    private static int Read(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : fallback;
}
