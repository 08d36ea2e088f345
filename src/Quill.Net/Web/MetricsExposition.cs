using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Quill.Net.Web;

/// <summary>
/// Renders metric families as the Prometheus text format (0.0.4) or OpenMetrics 1.0. The samples come from
/// System.Diagnostics.Metrics observable instruments, collected with a MeterListener at the moment of the scrape:
/// nothing is sampled or stored between scrapes, and the data path pays nothing for being observed.
/// By hand: the maintained Prometheus exporters serve through ASP.NET Core or HttpListener (OpenTelemetry's is a beta),
/// not through this endpoint's <see cref="WebServer"/>, and the text format is a few lines per family.
/// </summary>
public sealed class MetricsExposition : IDisposable
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private readonly IReadOnlyList<MetricFamily> _families;
    private readonly Dictionary<Instrument, List<Sample>> _samples = [];
    private readonly MeterListener _listener = new();
    private readonly Lock _scraping = new();

    private readonly record struct Sample(string Labels, double Value);

    public MetricsExposition(IReadOnlyList<MetricFamily> families)
    {
        ArgumentNullException.ThrowIfNull(families);
        _families = families;
        foreach (var family in families)
            foreach (var instrument in family.Instruments) _samples[instrument] = [];
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => Add(state, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => Add(state, value, tags));
        foreach (var (instrument, samples) in _samples) _listener.EnableMeasurementEvents(instrument, samples);
        _listener.Start();
    }

    /// <summary>True when the Accept header asks for OpenMetrics (as Prometheus does when it can read it).</summary>
    public static bool WantsOpenMetrics(string accept) =>
        accept.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs every instrument's callback once and writes the scrape.</summary>
    public byte[] Render(bool openMetrics)
    {
        lock (_scraping)
        {
            foreach (var samples in _samples.Values) samples.Clear();
            _listener.RecordObservableInstruments();
            // No capacity up front: StringBuilder then grows in chunks of at most 8,000 characters, each under the
            // large-object threshold, where one 64 Ki-character buffer (128 KiB) went to the large-object heap on every
            // scrape and brought a full, blocking collection every few scrapes.
            var text = new StringBuilder();
            foreach (var family in _families) WriteFamily(text, family, openMetrics);
            if (openMetrics) text.Append("# EOF\n");
            return Encoding.UTF8.GetBytes(text.ToString());
        }
    }

    public void Dispose() => _listener.Dispose();

    private void WriteFamily(StringBuilder text, MetricFamily family, bool openMetrics)
    {
        // The text format names a counter's family with _total and has no info type; OpenMetrics the reverse.
        var (name, type) = (family.Type, openMetrics) switch
        {
            (MetricType.Counter, false) => (family.Name + "_total", "counter"),
            (MetricType.Info, false) => (family.Name + "_info", "gauge"),
            _ => (family.Name, family.Type.ToString().ToLowerInvariant()),
        };
        text.Append("# HELP ").Append(name).Append(' ').Append(family.Help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        if (openMetrics && family.Unit is { } unit) text.Append("# UNIT ").Append(name).Append(' ').Append(unit).Append('\n');
        foreach (var instrument in family.Instruments)
        {
            foreach (var sample in _samples[instrument])
            {
                text.Append(instrument.Name).Append(sample.Labels).Append(' ');
                AppendValue(text, sample.Value);
                text.Append('\n');
            }
        }
    }

    private static void AppendValue(StringBuilder text, double value)
    {
        if (double.IsPositiveInfinity(value)) text.Append("+Inf");
        else if (value == Math.Floor(value) && Math.Abs(value) < 1e15) text.Append(((long)value).ToString(CultureInfo.InvariantCulture));
        else text.Append(value.ToString("R", CultureInfo.InvariantCulture));
    }

    private static void Add(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var samples = (List<Sample>)state!;
        samples.Add(new Sample(Labels(tags), value));
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return "";
        var text = new StringBuilder("{");
        foreach (var (key, value) in tags)
        {
            if (text.Length > 1) text.Append(',');
            text.Append(key).Append("=\"");
            foreach (var c in Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")
            {
                _ = c switch
                {
                    '\\' => text.Append("\\\\"),
                    '"' => text.Append("\\\""),
                    '\n' => text.Append("\\n"),
                    _ => text.Append(c),
                };
            }
            text.Append('"');
        }
        return text.Append('}').ToString();
    }
}
