using System.Runtime.InteropServices;
using Quill.Net.Engine;

namespace Quill.Net.Forwarding.Native;

/// <summary>The libc calls the splice path needs: pipe2, fcntl and splice (read and close are the event loop's). Linux only.</summary>
internal static unsafe partial class LinuxPipes
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;

    /// <summary>Pages are moved, not copied, when the kernel can; never block on the pipe or the socket.</summary>
    private const uint SpliceFlags = 0x1 /* SPLICE_F_MOVE */ | 0x2 /* SPLICE_F_NONBLOCK */;

    private const int PipeFlags = 0x800 /* O_NONBLOCK */ | 0x80000 /* O_CLOEXEC */;

    /// <summary>Opens a non-blocking pipe; false with errno when the process is out of descriptors.</summary>
    public static bool TryOpenPipe(out int readEnd, out int writeEnd, out int errno)
    {
        var fds = stackalloc int[2];
        if (pipe2(fds, PipeFlags) != 0)
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

    /// <summary>Reads from a descriptor into <paramref name="buffer"/>; the byte count, or -errno.</summary>
    public static long Read(int fd, Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            return LinuxSockets.Read(fd, start, buffer.Length);
        }
    }

    /// <summary>Asks for a pipe capacity (F_SETPIPE_SZ); returns the capacity the pipe has afterwards.</summary>
    public static int Resize(int fd, int capacity)
    {
        var granted = fcntl(fd, 1031 /* F_SETPIPE_SZ */, capacity);
        return granted > 0 ? granted : fcntl(fd, 1032 /* F_GETPIPE_SZ */, 0);
    }

    public static void Close(int fd) => LinuxSockets.Close(fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint splice(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);

    // Declared with a fixed third argument: on x86-64 and arm64 Linux an int passes the same way to the variadic fcntl.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);
}
