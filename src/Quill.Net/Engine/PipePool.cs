namespace Quill.Net.Engine;

/// <summary>
/// Empty pipes kept for reuse, so a busy balancer does not open two descriptors per burst.
/// A direction rents a pipe only while bytes are readable, so idle connections hold none.
/// </summary>
internal sealed class PipePool(int capacity, int pipeCapacity = PipePool.DefaultPipeCapacity) : IDisposable
{
    /// <summary>
    /// The kernel's default (16 pages of 4 KiB). Larger pipes (256 KiB, 1 MiB) moved a GiB for the same CPU within
    /// the noise of bench/results/micro.md, and count against the per-user pipe limit.
    /// </summary>
    public const int DefaultPipeCapacity = 64 * 1024;

    /// <summary>Two descriptors per kept pipe: enough for bursts across many connections, small next to -x.</summary>
    public static readonly PipePool Shared = new(capacity: 256);

    private readonly PipePair[] _idle = new PipePair[capacity];
    private readonly Lock _gate = new();
    private int _count;
    private int _rented;
    private int _peakRented;

    /// <summary>Pipes handed out and not yet returned or discarded.</summary>
    public int Rented => Volatile.Read(ref _rented);

    /// <summary>The most pipes ever out at once.</summary>
    public int PeakRented => Volatile.Read(ref _peakRented);

    /// <summary>An empty pipe, or null when the process cannot open one (out of descriptors).</summary>
    public PipePair? Rent()
    {
        PipePair? pipe = null;
        lock (_gate)
        {
            if (_count > 0)
            {
                pipe = _idle[--_count];
                _idle[_count] = null!;
            }
        }

        pipe ??= PipePair.TryOpen(pipeCapacity, out _);
        if (pipe is not null) NoteRented();
        return pipe;
    }

    /// <summary>Takes back a pipe the caller has drained; beyond capacity it is closed.</summary>
    public void Return(PipePair pipe)
    {
        Interlocked.Decrement(ref _rented);
        lock (_gate)
        {
            if (_count < _idle.Length)
            {
                _idle[_count++] = pipe;
                return;
            }
        }

        pipe.Dispose();
    }

    /// <summary>Closes a pipe that may still hold bytes (the connection failed mid-transfer).</summary>
    public void Discard(PipePair pipe)
    {
        Interlocked.Decrement(ref _rented);
        pipe.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            while (_count > 0)
            {
                _idle[--_count].Dispose();
                _idle[_count] = null!;
            }
        }
    }

    private void NoteRented()
    {
        var now = Interlocked.Increment(ref _rented);
        for (var peak = PeakRented; now > peak && Interlocked.CompareExchange(ref _peakRented, now, peak) != peak; peak = PeakRented)
        {
        }
    }
}
