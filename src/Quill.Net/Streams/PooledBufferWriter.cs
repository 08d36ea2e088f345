using System.Buffers;

namespace Quill.Net.Streams;

/// <summary>
/// Where a client-stream filter writes one chunk's output: an array rented from a pool and given back by
/// <see cref="Clear"/> once the chunk is sent, so a connection holds no output buffer between chunks (an idle -H
/// connection holds none). Grows by renting a bigger array when a chunk's output outgrows it.
/// </summary>
internal sealed class PooledBufferWriter(ArrayPool<byte> pool, int firstSize) : IBufferWriter<byte>
{
    private byte[]? _buffer;
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > (_buffer?.Length ?? 0) - _written)
            throw new InvalidOperationException($"advanced {count} bytes past the {(_buffer?.Length ?? 0) - _written} given");
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets what was written and gives the array back; the next write rents again.</summary>
    public void Clear()
    {
        if (_buffer is not null) pool.Return(_buffer);
        _buffer = null;
        _written = 0;
    }

    private void Reserve(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (_buffer is not null && needed <= _buffer.Length) return;
        var bigger = pool.Rent(Math.Max(needed, Math.Max(firstSize, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _written).CopyTo(bigger);
            pool.Return(_buffer);
        }
        _buffer = bigger;
    }
}
