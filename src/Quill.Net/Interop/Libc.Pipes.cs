using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>What the splice path needs besides read and close: pipe2, splice and the pipe's capacity.</summary>
internal static unsafe partial class Libc
{
    /// <summary>Pages are moved, not copied, when the kernel can; never block on the pipe or the socket.</summary>
    private const uint SpliceFlags = 0x1 /* SPLICE_F_MOVE */ | 0x2 /* SPLICE_F_NONBLOCK */;

    private const int FSetPipeSz = 1031;
    private const int FGetPipeSz = 1032;

    /// <summary>Opens a non-blocking pipe; false with errno when the process is out of descriptors.</summary>
    public static bool TryOpenPipe(out int readEnd, out int writeEnd, out int errno)
    {
        var fds = stackalloc int[2];
        if (pipe2(fds, ONonBlock | OCloexec) != 0)
        {
            (readEnd, writeEnd, errno) = (-1, -1, Marshal.GetLastPInvokeError());
            return false;
        }

        (readEnd, writeEnd, errno) = (fds[0], fds[1], 0);
        return true;
    }

    /// <summary>Moves up to <paramref name="length"/> bytes between two descriptors; the byte count, or -errno.</summary>
    public static long Splice(int from, int to, int length)
    {
        while (true)
        {
            var moved = splice(from, null, to, null, (nuint)length, SpliceFlags);
            if (moved >= 0) return moved;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    /// <summary>Asks for a pipe capacity (F_SETPIPE_SZ); returns the capacity the pipe has afterwards.</summary>
    public static int SetPipeSize(int fd, int capacity)
    {
        var granted = fcntl(fd, FSetPipeSz, capacity);
        return granted > 0 ? granted : fcntl(fd, FGetPipeSz, 0);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint splice(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);
}
