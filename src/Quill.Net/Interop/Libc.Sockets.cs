using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>Sockets: creating, connecting, accepting, sending and their options.</summary>
internal static unsafe partial class Libc
{
    public const ushort AfUnix = 1;
    public const ushort AfInet = 2;
    public const ushort AfInet6 = 10;

    public const int SockStream = 1;
    public const int SockNonBlock = 0x800;
    public const int SockCloexec = 0x80000;

    public const int ShutWrite = 1;

    public const int SolIp = 0;
    public const int IpTransparent = 19;
    public const int SolSocket = 1;
    public const int SoReuseAddr = 2;
    public const int SoError = 4;
    public const int SoKeepAlive = 9;
    public const int SoLinger = 13;
    public const int IpProtoTcp = 6;
    public const int TcpNoDelay = 1;
    public const int TcpNotSentLowAt = 25;

    /// <summary>MSG_NOSIGNAL: a write to a reset peer returns EPIPE instead of raising SIGPIPE.</summary>
    private const int MsgNoSignal = 0x4000;

    private const int MsgPeek = 0x2;

    /// <summary>MSG_MORE: hold the bytes back for what follows (see <see cref="Send"/>).</summary>
    private const int MsgMore = 0x8000;

    public static int Socket(int family, int type) => Check(socket(family, type | SockNonBlock | SockCloexec, 0));

    public static int Accept(int listener, byte* address, int* length)
    {
        while (true)
        {
            var fd = accept4(listener, address, length, SockNonBlock | SockCloexec);
            if (fd >= 0) return fd;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    public static int Connect(int fd, byte* address, int length) => Check(connect(fd, address, length));

    public static int Bind(int fd, byte* address, int length) => Check(bind(fd, address, length));

    /// <param name="finFollows">The FIN (shutdown or close) comes next: the kernel holds a short tail back until then and
    /// sends the FIN in the same segment, instead of a segment of its own that the peer must take in and acknowledge.</param>
    public static long Send(int fd, byte* buffer, int length, bool finFollows = false)
    {
        var flags = finFollows ? MsgNoSignal | MsgMore : MsgNoSignal;
        while (true)
        {
            var n = send(fd, buffer, (nuint)length, flags);
            if (n >= 0) return n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    public static int Shutdown(int fd, int how) => Check(shutdown(fd, how));

    /// <summary>Reads without removing: what a later read returns stays queued (recv with MSG_PEEK). Bytes, or -errno.</summary>
    public static long Peek(int fd, byte* buffer, int length)
    {
        while (true)
        {
            var n = recv(fd, buffer, (nuint)length, MsgPeek);
            if (n >= 0) return n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    /// <summary>The local address of a socket (getsockname); its length, or -errno.</summary>
    public static int LocalAddress(int fd, byte* address, int* length) => Check(getsockname(fd, address, length));

    public static int SetOption(int fd, int level, int name, int value) => Check(setsockopt(fd, level, name, &value, sizeof(int)));

    /// <summary>SO_LINGER with a zero timeout: close(2) then resets the connection instead of leaving a TIME_WAIT.</summary>
    public static int ResetOnClose(int fd)
    {
        var linger = stackalloc int[] { 1, 0 };
        return Check(setsockopt(fd, SolSocket, SoLinger, linger, 2 * sizeof(int)));
    }

    /// <summary>An int socket option's value, or -errno.</summary>
    public static int GetOption(int fd, int level, int name)
    {
        int value = 0, length = sizeof(int);
        return getsockopt(fd, level, name, &value, &length) == 0 ? value : -Marshal.GetLastPInvokeError();
    }

    /// <summary>SO_ERROR: the connect's outcome once the socket reports an error.</summary>
    public static int PendingError(int fd) => Math.Abs(GetOption(fd, SolSocket, SoError));

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int accept4(int fd, byte* address, int* length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int connect(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, void* buffer, nuint count, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, void* buffer, nuint count, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockname(int fd, byte* address, int* length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int fd, int how);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, void* value, int* length);
}
