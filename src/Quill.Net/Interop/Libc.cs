using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>
/// Every libc call and constant Quill.Net uses, one partial file per topic (Sockets, Epoll, Pipes, Errno); this one
/// holds the descriptor calls they share. Each call is a single syscall with no runtime bookkeeping around it,
/// returns its result or -errno and retries EINTR. Linux only.
/// </summary>
internal static unsafe partial class Libc
{
    private const int FSetFl = 4;
    private const int FDupFdCloexec = 1030;
    private const int ORdWr = 2;
    public const int ONonBlock = 0x800;
    public const int OCloexec = 0x80000;

    public static long Read(int fd, byte* buffer, int length)
    {
        while (true)
        {
            var n = read(fd, buffer, (nuint)length);
            if (n >= 0) return n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    /// <summary>Reads from a descriptor into <paramref name="buffer"/>; the byte count, or -errno.</summary>
    public static long Read(int fd, Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            return Read(fd, start, buffer.Length);
        }
    }

    public static void Close(int fd) => _ = close(fd);

    /// <summary>Clears O_NONBLOCK, for a descriptor handed over to .NET's own sockets.</summary>
    public static void MakeBlocking(int fd) => _ = fcntl(fd, FSetFl, ORdWr);

    /// <summary>
    /// Takes a connected socket over from .NET (an idler): a non-blocking duplicate of its descriptor, and the socket
    /// closed. Returns the descriptor, or -errno.
    /// </summary>
    public static int Adopt(System.Net.Sockets.Socket socket)
    {
        var fd = Check(fcntl((int)socket.SafeHandle.DangerousGetHandle(), FDupFdCloexec, 0));
        socket.Dispose();
        if (fd >= 0) MakeNonBlocking(fd);
        return fd;
    }

    /// <summary>
    /// Takes a socket out of .NET's hands untouched (a UDP session's, moving to the next process): a duplicate of its
    /// descriptor, then the runtime's own number made a placeholder (see <see cref="ReplaceWithPlaceholder"/>) before
    /// the socket is disposed, so nothing the runtime does on close reaches the socket. The duplicate, or -errno.
    /// </summary>
    public static int Detach(System.Net.Sockets.Socket socket)
    {
        var number = (int)socket.SafeHandle.DangerousGetHandle();
        var fd = Check(fcntl(number, FDupFdCloexec, 0));
        if (fd < 0) return fd;
        _ = ReplaceWithPlaceholder(number);
        socket.Dispose();
        return fd;
    }

    /// <summary>Sets O_NONBLOCK on a descriptor .NET opened (a listener).</summary>
    public static void MakeNonBlocking(int fd) => _ = fcntl(fd, FSetFl, ORdWr | ONonBlock);

    private static int Check(int result) => result >= 0 ? result : -Marshal.GetLastPInvokeError();

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    // Declared with a fixed third argument: on x86-64 and arm64 Linux an int passes the same way to the variadic fcntl.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);
}
