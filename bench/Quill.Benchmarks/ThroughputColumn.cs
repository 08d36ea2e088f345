using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Quill.Benchmarks;

/// <summary>Input processed per second, in MB/s (10^6 bytes), from the mean time of one operation.</summary>
/// <param name="bytesPerOperation">The input one operation processes, from the case's parameters.</param>
internal sealed class ThroughputColumn(Func<BenchmarkCase, long> bytesPerOperation) : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 100;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Input bytes processed per second, in 10^6 bytes, from the mean";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0) return "NA";
        // bytes per nanosecond * 1,000 = 10^6 bytes per second.
        var megabytesPerSecond = bytesPerOperation(benchmarkCase) * 1_000.0 / meanNanoseconds.Value;
        return megabytesPerSecond.ToString("N1", style.CultureInfo);
    }

    public override string ToString() => ColumnName;
}
