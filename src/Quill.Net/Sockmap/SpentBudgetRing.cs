using Quill.Net.Interop;

namespace Quill.Net.Sockmap;

/// <summary>
/// The BPF ring buffer the verdict program writes a source socket's cookie into when that socket's budget is spent
/// (<see cref="SockmapProgram"/>): one reader, the event loop its descriptor is registered with (epoll says when it
/// is not empty). The kernel's layout: a consumer page quill writes its position into, then a read-only producer page
/// and the data, mapped twice in a row so that a record never wraps. Each record is an 8-byte header (length, with a
/// busy and a discard bit) and the 8-byte cookie.
/// </summary>
internal sealed unsafe class SpentBudgetRing : IDisposable
{
    /// <summary>Room for 4,096 cookies not yet read; a full ring makes the program retry with the next skb.</summary>
    public const int Size = 64 * 1024;

    private const uint Busy = 1u << 31;
    private const uint Discarded = 1u << 30;
    private const int HeaderSize = 8;

    private readonly long _page = Environment.SystemPageSize;
    private readonly byte* _consumer;
    private readonly byte* _producer;

    private SpentBudgetRing(int fd, byte* consumer, byte* producer)
    {
        Fd = fd;
        _consumer = consumer;
        _producer = producer;
    }

    /// <summary>The map's descriptor: readable when cookies wait.</summary>
    public int Fd { get; }

    /// <summary>Creates the map and maps it; null and -errno when the kernel refuses.</summary>
    public static SpentBudgetRing? TryOpen(out int result)
    {
        result = Libc.BpfCreateMap(Libc.BpfMapTypeRingBuffer, 0, 0, Size);
        if (result < 0) return null;
        var page = Environment.SystemPageSize;
        var consumer = Libc.MapShared(result, page, 0, writable: true);
        var producer = consumer is null ? null : Libc.MapShared(result, page + 2L * Size, page, writable: false);
        if (producer is not null) return new SpentBudgetRing(result, consumer, producer);
        if (consumer is not null) Libc.Unmap(consumer, page);
        Libc.Close(result);
        result = -Libc.ENOMEM;
        return null;
    }

    /// <summary>Hands every cookie written so far to <paramref name="spent"/>, and frees their room.</summary>
    public void Drain(Action<ulong> spent)
    {
        var data = _producer + _page;
        var position = Volatile.Read(ref *(ulong*)_consumer);
        while (position < Volatile.Read(ref *(ulong*)_producer))
        {
            var record = data + (long)(position & (Size - 1));
            var header = Volatile.Read(ref *(uint*)record);
            if ((header & Busy) != 0) break;
            var length = header & ~(Busy | Discarded);
            if ((header & Discarded) == 0 && length == sizeof(ulong)) spent(*(ulong*)(record + HeaderSize));
            position += (length + HeaderSize + 7) & ~7UL;
            Volatile.Write(ref *(ulong*)_consumer, position);
        }
    }

    public void Dispose()
    {
        Libc.Unmap(_producer, _page + 2L * Size);
        Libc.Unmap(_consumer, _page);
        Libc.Close(Fd);
    }
}
