using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Quill.Net.Http;

namespace Quill.Benchmarks;

/// <summary>
/// The -H request filter (X-Forwarded-For and X-Forwarded-Proto) over one keep-alive connection's requests, fed as
/// the buffered forwarder feeds it: one read at a time into an output buffer that is reset for each read. One
/// operation is the whole stream; the MB/s column is input bytes per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Throughput))]
public class XForwardedForBenchmarks
{
    /// <summary>The buffered forwarder's read size (its DirectionPump.ChunkSize, pen's copy buffer).</summary>
    private const int FullRead = 32 * 1024;
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.45");

    private byte[] _input = [];
    private int[] _readEnds = [];
    private HttpRequestFilter _filter = null!;
    private readonly ArrayBufferWriter<byte> _output = new(FullRead);

    [ParamsAllValues]
    public HttpWorkload Workload { get; set; }

    /// <summary>"request": each request in its own read (a client waiting for each answer); a number: reads of that
    /// size whatever the request boundaries (pipelining; 1437 splits heads across reads).</summary>
    [Params("request", "32768", "1437")]
    public string Reads { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var requestEnds = new List<int>();
        _input = HttpStreams.Build(Workload, requestEnds);
        _readEnds = Reads == "request" ? [.. requestEnds] : FixedReads(_input.Length, int.Parse(Reads, CultureInfo.InvariantCulture));
        _filter = NewFilter();
        Check();
    }

    [Benchmark]
    public int Filter()
    {
        var written = 0;
        var start = 0;
        foreach (var end in _readEnds)
        {
            _output.ResetWrittenCount();
            _filter.OnClientData(_input.AsSpan(start, end - start), _output);
            written += _output.WrittenCount;
            start = end;
        }
        return written;
    }

    private static HttpRequestFilter NewFilter() => new(new ForwardedHeaders(Client, https: false));

    private static int[] FixedReads(int length, int size)
    {
        var ends = new int[(length + size - 1) / size];
        for (var i = 0; i < ends.Length; i++) ends[i] = Math.Min(length, (i + 1) * size);
        return ends;
    }

    /// <summary>Fails the run unless every request got the client's address and none was refused, so a broken filter
    /// cannot pass for a fast one.</summary>
    private void Check()
    {
        var filter = NewFilter();
        var all = new ArrayBufferWriter<byte>();
        var start = 0;
        foreach (var end in _readEnds)
        {
            filter.OnClientData(_input.AsSpan(start, end - start), all);
            start = end;
        }

        var address = Encoding.ASCII.GetBytes(Client.ToString());
        var found = 0;
        for (var rest = all.WrittenSpan; rest.IndexOf(address) is var at and >= 0; rest = rest[(at + address.Length)..]) found++;
        var expected = HttpStreams.RequestCount(Workload);
        if (filter.ClientStreamEnded || found != expected)
        {
            throw new InvalidOperationException(
                $"filter check failed for {Workload}/{Reads}: {found} of {expected} requests carry the client address, "
                + $"stopped: {filter.ClientStreamEnded}");
        }
    }

    /// <summary>Adds the MB/s column: the input of one operation is the workload's whole stream.</summary>
    private sealed class Throughput : ManualConfig
    {
        public Throughput() => AddColumn(new ThroughputColumn(InputLength));

        private static long InputLength(BenchmarkCase benchmarkCase) =>
            HttpStreams.Build((HttpWorkload)benchmarkCase.Parameters[nameof(Workload)]).Length;
    }
}
