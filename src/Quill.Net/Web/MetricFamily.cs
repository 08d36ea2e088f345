using System.Diagnostics.Metrics;

namespace Quill.Net.Web;

public enum MetricType
{
    Counter,
    Gauge,
    /// <summary>Its instruments are NAME_bucket (with an "le" tag), NAME_sum and NAME_count.</summary>
    Histogram,
    /// <summary>One sample NAME_info = 1 whose labels are the information (build_info).</summary>
    Info,
}

/// <summary>
/// One Prometheus metric family: its base name (without _total or _info), type, help text, and the observable
/// instruments whose measurements are its samples. An instrument's name is the sample name it produces.
/// </summary>
public sealed record MetricFamily(string Name, MetricType Type, string Help, IReadOnlyList<Instrument> Instruments)
{
    /// <summary>The OpenMetrics unit, which must be the name's last word: bytes or seconds, else none.</summary>
    public string? Unit => Name.EndsWith("_bytes", StringComparison.Ordinal) ? "bytes"
        : Name.EndsWith("_seconds", StringComparison.Ordinal) ? "seconds" : null;
}
