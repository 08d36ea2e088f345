using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using Quill.Net.Http;

namespace Quill.Benchmarks;

/// <summary>
/// What -H adds to a new connection (a request per connection, scenario a of bench/run.sh): the filter made as the
/// session makes it (ClientStreamFilters.For), and one GET through it. Not counted: the output buffer the forwarder
/// makes for each filtered connection (DirectionPump, TlsForwarder: a 32 KiB ArrayBufferWriter). Counted though not
/// -H's: the client's IPAddress (40 B), which the runtime makes for every accepted connection anyway.
/// </summary>
[MemoryDiagnoser]
public class XForwardedForConnectionBenchmarks
{
    private static readonly byte[] ClientBytes = [203, 0, 113, 45];
    private readonly ArrayBufferWriter<byte> _output = new(32 * 1024);
    private byte[] _request = [];

    [GlobalSetup]
    public void Setup()
    {
        var requestEnds = new List<int>();
        var stream = HttpStreams.Build(HttpWorkload.Get, requestEnds);
        _request = stream[..requestEnds[0]];
    }

    [Benchmark]
    public int NewConnectionOneGet()
    {
        // A new address each time, as each accepted socket's remote end point is (IPAddress caches its ToString()).
        var client = new IPAddress(ClientBytes);
        var filter = new HttpRequestFilter(new ForwardedHeaders(client, https: false));
        _output.ResetWrittenCount();
        filter.OnClientData(_request, _output);
        return _output.WrittenCount;
    }
}
