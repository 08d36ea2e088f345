using Quill.Net.Interop;


namespace Quill.Net.Engine;

/// <summary>
/// A kernel pipe that carries one direction's bytes from a socket to a socket without entering user space.
/// Only an empty pipe goes back to the pool; one that still holds bytes after a failure is closed.
/// </summary>
internal sealed class PipePair : IDisposable
{
    private static int s_open;

    private PipePair(int readEnd, int writeEnd, int capacity)
    {
        ReadEnd = readEnd;
        WriteEnd = writeEnd;
        Capacity = capacity;
    }

    /// <summary>
    /// The most pipes open at once in this process, pooled ones included (the descriptor budget's share for pipes);
    /// beyond it a direction copies through memory instead of splicing.
    /// </summary>
    public static int Limit { get; set; } = int.MaxValue;

    public int ReadEnd { get; }

    public int WriteEnd { get; }

    /// <summary>Bytes the pipe holds when full: the most one splice from the source moves.</summary>
    public int Capacity { get; }

    /// <summary>
    /// A fresh non-blocking pipe of about <paramref name="capacity"/> bytes (the kernel's default when it refuses more),
    /// or null (with errno) when none can be opened (EMFILE, not Linux).
    /// </summary>
    public static PipePair? TryOpen(int capacity, out int errno)
    {
        if (Interlocked.Increment(ref s_open) > Limit)
        {
            Interlocked.Decrement(ref s_open);
            errno = Libc.EMFILE;
            return null;
        }
        if (!Libc.TryOpenPipe(out var readEnd, out var writeEnd, out errno))
        {
            Interlocked.Decrement(ref s_open);
            return null;
        }
        // The default needs no fcntl; where pages are larger the pipe holds more, and splicing less is harmless.
        var granted = capacity == PipePool.DefaultPipeCapacity ? capacity : Libc.SetPipeSize(writeEnd, capacity);
        return new PipePair(readEnd, writeEnd, granted);
    }

    public void Dispose()
    {
        Libc.Close(ReadEnd);
        Libc.Close(WriteEnd);
        Interlocked.Decrement(ref s_open);
    }
}
