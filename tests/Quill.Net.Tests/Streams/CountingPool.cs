using System.Buffers;

namespace Quill.Net.Tests.Streams;

/// <summary>Counts buffers rented and not yet returned, and the most ever out at once.</summary>
internal sealed class CountingPool : ArrayPool<byte>
{
    private int _outstanding;
    private int _peak;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public int Peak => Volatile.Read(ref _peak);

    public override byte[] Rent(int minimumLength)
    {
        var now = Interlocked.Increment(ref _outstanding);
        for (var peak = Peak; now > peak && Interlocked.CompareExchange(ref _peak, now, peak) != peak; peak = Peak)
        {
        }

        return Shared.Rent(minimumLength);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        Interlocked.Decrement(ref _outstanding);
        Shared.Return(array, clearArray);
    }

    /// <summary>Waits (bounded) until every buffer is back: a pump returns its buffer just after its send completes.</summary>
    public async Task<bool> AllReturnedAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (Outstanding != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return Outstanding == 0;
    }
}
