using System.Diagnostics.Metrics;
using Quill.Net.Web;

namespace Quill.WebEndpointBench;

/// <summary>
/// The /metrics both endpoints serve, rendered by quill's own MetricsExposition so that only the HTTP server
/// differs: 48 families of observable instruments, each with a sample for two servers, about the size of quill's
/// scrape with two servers.
/// </summary>
internal static class SampleMetrics
{
    private const int Families = 48;

    public static MetricsExposition Create()
    {
        var meter = new Meter("Bench");
        var families = new List<MetricFamily>();
        for (var i = 0; i < Families; i++)
        {
            var name = $"bench_server_metric_{i}";
            var step = i + 1L;
            var instrument = meter.CreateObservableCounter($"{name}_total", () => new[]
            {
                new Measurement<long>(Environment.TickCount64 / step, new KeyValuePair<string, object?>("server", "0")),
                new Measurement<long>(Environment.TickCount64 / (step + 1), new KeyValuePair<string, object?>("server", "1")),
            });
            families.Add(new MetricFamily(name, MetricType.Counter, $"A counter for each server, number {i}.", [instrument]));
        }
        return new MetricsExposition(families);
    }
}
