
using Quill.Net.Engine;

namespace Quill.Net.Tests.Engine;

public sealed class PipePoolTests
{
    [Fact]
    public void Rent_AfterReturn_ReusesThePipe()
    {
        using var pool = new PipePool(capacity: 2);
        var first = pool.Rent();
        Assert.NotNull(first);
        pool.Return(first);

        var second = pool.Rent();

        Assert.Same(first, second);
        Assert.Equal(1, pool.Rented);
        pool.Return(second!);
        Assert.Equal(0, pool.Rented);
    }

    [Fact]
    public void Return_BeyondCapacity_ClosesTheExtraPipe()
    {
        using var pool = new PipePool(capacity: 1);
        var kept = pool.Rent()!;
        var extra = pool.Rent()!;
        pool.Return(kept);
        pool.Return(extra);

        var again = pool.Rent()!;
        var fresh = pool.Rent()!;

        Assert.Same(kept, again);
        Assert.NotSame(extra, fresh);
        Assert.Equal(2, pool.PeakRented);
        pool.Discard(again);
        pool.Discard(fresh);
    }

    [Fact]
    public void Rent_AsksForCapacity_PipeHoldsThatMuch()
    {
        using var pool = new PipePool(capacity: 1, pipeCapacity: 256 * 1024);
        var pipe = pool.Rent()!;

        Assert.Equal(256 * 1024, pipe.Capacity);
        pool.Discard(pipe);
        Assert.Equal(0, pool.Rented);
    }
}
