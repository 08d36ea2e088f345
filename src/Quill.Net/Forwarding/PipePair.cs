using Quill.Net.Forwarding.Native;

namespace Quill.Net.Forwarding;

/// <summary>
/// A kernel pipe that carries one direction's bytes from a socket to a socket without entering user space.
/// Only an empty pipe goes back to the pool; one that still holds bytes after a failure is closed.
/// </summary>
internal sealed class PipePair : IDisposable
{
    private PipePair(int readEnd, int writeEnd)
    {
        ReadEnd = readEnd;
        WriteEnd = writeEnd;
    }

    public int ReadEnd { get; }

    public int WriteEnd { get; }

    /// <summary>A fresh non-blocking pipe, or null (with errno) when none can be opened (EMFILE, not Linux).</summary>
    public static PipePair? TryOpen(out int errno) =>
        LinuxPipes.TryOpenPipe(out var readEnd, out var writeEnd, out errno) ? new PipePair(readEnd, writeEnd) : null;

    public void Dispose()
    {
        LinuxPipes.Close(ReadEnd);
        LinuxPipes.Close(WriteEnd);
    }
}
