using Quill.Net.Streams;
using Quill.Net.Tests.Streams;

namespace Quill.Net.Tests.Streams;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void Writes_RentOnlyWhenWritten_AndClearGivesTheArrayBack()
    {
        var pool = new CountingPool();
        var writer = new PooledBufferWriter(pool, firstSize: 16);

        Assert.Equal(0, pool.Outstanding);
        Assert.True(writer.WrittenMemory.IsEmpty);
        "hello"u8.CopyTo(writer.GetSpan(5));
        writer.Advance(5);

        Assert.Equal("hello"u8.ToArray(), writer.WrittenMemory.ToArray());
        Assert.Equal(1, pool.Outstanding);
        writer.Clear();
        Assert.Equal(0, pool.Outstanding);
        Assert.True(writer.WrittenMemory.IsEmpty);
    }

    [Fact]
    public void OutgrowingTheArray_KeepsWhatWasWritten_AndHoldsOneArray()
    {
        var pool = new CountingPool();
        var writer = new PooledBufferWriter(pool, firstSize: 16);
        var expected = new List<byte>();

        for (var i = 0; i < 100; i++)
        {
            var chunk = Enumerable.Repeat((byte)i, 37).ToArray();
            chunk.CopyTo(writer.GetMemory(chunk.Length));
            writer.Advance(chunk.Length);
            expected.AddRange(chunk);
        }

        Assert.Equal(expected.ToArray(), writer.WrittenMemory.ToArray());
        Assert.Equal(1, pool.Outstanding);
        writer.Clear();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void AdvancingPastTheSpanGiven_Throws()
    {
        var writer = new PooledBufferWriter(new CountingPool(), firstSize: 16);
        var given = writer.GetSpan(1).Length;

        Assert.Throws<InvalidOperationException>(() => writer.Advance(given + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
    }
}
