using System.Net;
using BenchmarkDotNet.Attributes;
using Quill.Core.Configuration;
using Quill.Core.Selection;

namespace Quill.Benchmarks;

/// <summary>
/// The sticky client table (-c slots): looking up a remembered client, and entering new ones into a full table
/// (each insert evicts the least recently used). Measured through the selector, as a connection uses it.
/// </summary>
[MemoryDiagnoser]
public class ClientTableBenchmarks
{
    private const int Batch = 1024;
    private ServerSelector _selector = null!;
    private IPAddress[] _known = null!;
    private IPAddress[] _fresh = null!;
    private int _next;

    [Params(2_048, 1_000_000)]
    public int Slots { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _selector = Selectors.Create(servers: 16, Slots, SelectionFlags.None);
        _known = Addresses.Distinct(Slots);
        foreach (var client in _known) Connect(client);
        // Enough unseen clients that inserts never revisit one that is still in the table.
        _fresh = Addresses.Distinct(Slots * 2, offset: Slots);
    }

    /// <summary>A known client's connection: its slot found, its stored server reused.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void LookupKnownClient()
    {
        for (var i = 0; i < Batch; i++)
        {
            Connect(_known[_next]);
            _next = (_next + 7919) % _known.Length;
        }
    }

    /// <summary>The read-only lookup the control port uses (clients command).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int FindKnownClient()
    {
        var found = 0;
        for (var i = 0; i < Batch; i++)
        {
            if (_selector.Clients.Find(_known[_next]) is not null) found++;
            _next = (_next + 7919) % _known.Length;
        }
        return found;
    }

    /// <summary>A new client in a full table: the least recently used slot is evicted and reused.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void InsertNewClient()
    {
        for (var i = 0; i < Batch; i++)
        {
            Connect(_fresh[_next % _fresh.Length]);
            _next++;
        }
    }

    private void Connect(IPAddress client)
    {
        var attempt = _selector.Begin(client, 40_000);
        _selector.Connected(attempt);
        _selector.Finished(attempt, 100, 1_000);
    }
}
