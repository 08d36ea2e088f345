using System.Diagnostics.Metrics;
using System.Text;
using Quill.Net.Web;
using Xunit;

namespace Quill.Net.Tests.Web;

public sealed class MetricsExpositionTests : IDisposable
{
    private readonly Meter _meter = new($"Quill.Tests.{Guid.NewGuid():N}");

    [Fact]
    public void Render_TextFormat_NamesCountersWithTotalAndEscapesLabels()
    {
        long reads = 0;
        var counter = _meter.CreateObservableCounter("t_requests_total",
            () => new Measurement<long>(Interlocked.Increment(ref reads), new KeyValuePair<string, object?>("path", "a\"b\\c\nd")));
        var gauge = _meter.CreateObservableGauge("t_open_bytes", () => new Measurement<double>(1.5));
        using var exposition = new MetricsExposition(
        [
            new MetricFamily("t_requests", MetricType.Counter, "Requests.", [counter]),
            new MetricFamily("t_open_bytes", MetricType.Gauge, "Open.", [gauge]),
        ]);

        var first = Encoding.UTF8.GetString(exposition.Render(openMetrics: false));
        var second = Encoding.UTF8.GetString(exposition.Render(openMetrics: false));

        Assert.Equal("""
            # HELP t_requests_total Requests.
            # TYPE t_requests_total counter
            t_requests_total{path="a\"b\\c\nd"} 1
            # HELP t_open_bytes Open.
            # TYPE t_open_bytes gauge
            t_open_bytes 1.5

            """.Replace("\r\n", "\n", StringComparison.Ordinal), first);
        // Each scrape reads the instruments afresh and keeps nothing from the last one.
        Assert.Contains("t_requests_total{path=\"a\\\"b\\\\c\\nd\"} 2\n", second, StringComparison.Ordinal);
        Assert.Single(second.Split('\n'), line => line.StartsWith("t_requests_total{", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_OpenMetrics_NamesFamiliesWithoutSuffixesAndEndsWithEof()
    {
        var counter = _meter.CreateObservableCounter("t_sent_bytes_total", () => 7L);
        var info = _meter.CreateObservableGauge("t_build_info", () => new Measurement<long>(1, new KeyValuePair<string, object?>("version", "1.2.3")));
        using var exposition = new MetricsExposition(
        [
            new MetricFamily("t_sent_bytes", MetricType.Counter, "Sent.", [counter]),
            new MetricFamily("t_build", MetricType.Info, "Build.", [info]),
        ]);

        var text = Encoding.UTF8.GetString(exposition.Render(openMetrics: true));

        Assert.Equal("""
            # HELP t_sent_bytes Sent.
            # TYPE t_sent_bytes counter
            # UNIT t_sent_bytes bytes
            t_sent_bytes_total 7
            # HELP t_build Build.
            # TYPE t_build info
            t_build_info{version="1.2.3"} 1
            # EOF

            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
        Assert.True(MetricsExposition.WantsOpenMetrics("application/openmetrics-text;version=1.0.0,text/plain;q=0.5"));
        Assert.False(MetricsExposition.WantsOpenMetrics("text/plain"));
    }

    public void Dispose() => _meter.Dispose();
}
