using System.Net;
using BenchmarkDotNet.Attributes;
using Quill.Core.Configuration;
using Quill.Core.Selection;

namespace Quill.Benchmarks;

/// <summary>One connection's selection (Begin, Connected, Finished) in each of pen's modes.</summary>
[MemoryDiagnoser]
public class SelectionBenchmarks
{
    private const int Batch = 1024;
    private ServerSelector _selector = null!;
    private IPAddress[] _clients = null!;
    private int _next;

    [Params(16, 1_000)]
    public int Servers { get; set; }

    [Params("roundrobin", "hash", "weight", "prio", "sticky")]
    public string Mode { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var flags = Mode switch
        {
            "roundrobin" => SelectionFlags.RoundRobin,
            "hash" => SelectionFlags.Hash,
            "weight" => SelectionFlags.Weight,
            "prio" => SelectionFlags.Prio,
            _ => SelectionFlags.None,
        };
        _selector = Selectors.Create(Servers, clientSlots: 2_048, flags);
        // Fewer clients than slots: after warm-up, sticky mode measures its stored-server path.
        _clients = Addresses.Distinct(1_000);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void Connection()
    {
        for (var i = 0; i < Batch; i++)
        {
            var attempt = _selector.Begin(_clients[_next], 40_000 + i);
            _selector.Connected(attempt);
            _selector.Finished(attempt, 100, 1_000);
            _next = (_next + 1) % _clients.Length;
        }
    }
}
