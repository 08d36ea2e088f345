using System.Runtime.InteropServices;

namespace Quill.Net.Engine;

/// <summary>
/// The libc socket and epoll calls the event loop makes itself, so that each one is a single syscall with no
/// runtime bookkeeping around it. Every call returns its result or -errno and retries EINTR. Linux only.
/// </summary>
internal static unsafe partial class LinuxSockets
{
    public const int EAGAIN = 11;
    public const int EINPROGRESS = 115;
    public const int ENOSYS = 38;
    public const int EINVAL = 22;
    private const int EINTR = 4;

    public const int SockStream = 1;
    public const int SockNonBlock = 0x800;
    public const int SockCloexec = 0x80000;

    public const int ShutWrite = 1;

    public const int SolSocket = 1;
    public const int SoError = 4;
    public const int SoKeepAlive = 9;
    public const int IpProtoTcp = 6;
    public const int TcpNoDelay = 1;
    public const int TcpNotSentLowAt = 25;

    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollRdHup = 0x2000;
    public const uint EpollExclusive = 1u << 28;
    public const uint EpollEdgeTriggered = 1u << 31;

    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;

    /// <summary>MSG_NOSIGNAL: a write to a reset peer returns EPIPE instead of raising SIGPIPE.</summary>
    private const int MsgNoSignal = 0x4000;

    /// <summary>epoll_event is packed to 12 bytes on x86-64 and naturally aligned (16) elsewhere.</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

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

    public static long Send(int fd, byte* buffer, int length)
    {
        while (true)
        {
            var n = send(fd, buffer, (nuint)length, MsgNoSignal);
            if (n >= 0) return n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    public static int Shutdown(int fd, int how) => Check(shutdown(fd, how));

    public static void Close(int fd) => _ = close(fd);

    public static int SetOption(int fd, int level, int name, int value) => Check(setsockopt(fd, level, name, &value, sizeof(int)));

    /// <summary>An int socket option's value, or -errno.</summary>
    public static int GetOption(int fd, int level, int name)
    {
        int value = 0, length = sizeof(int);
        return getsockopt(fd, level, name, &value, &length) == 0 ? value : -Marshal.GetLastPInvokeError();
    }

    /// <summary>SO_ERROR: the connect's outcome once the socket reports an error.</summary>
    public static int PendingError(int fd) => Math.Abs(GetOption(fd, SolSocket, SoError));

    /// <summary>Clears O_NONBLOCK, for a descriptor handed over to .NET's own sockets.</summary>
    public static void MakeBlocking(int fd) => _ = fcntl(fd, 4 /* F_SETFL */, 2 /* O_RDWR */);

    /// <summary>Sets O_NONBLOCK on a descriptor .NET opened (a listener).</summary>
    public static void MakeNonBlocking(int fd) => _ = fcntl(fd, 4 /* F_SETFL */, 2 /* O_RDWR */ | SockNonBlock);

    public static int EpollCreate() => Check(epoll_create1(SockCloexec));

    public static int EpollAdd(int epoll, int fd, uint events, ulong data)
    {
        var e = stackalloc byte[16];
        *(uint*)e = events;
        *(ulong*)(e + 4) = data;
        if (EpollEventSize == 16) *(ulong*)(e + 8) = data;
        return Check(epoll_ctl(epoll, EpollCtlAdd, fd, e));
    }

    public static int EpollRemove(int epoll, int fd) => Check(epoll_ctl(epoll, EpollCtlDel, fd, null));

    /// <summary>The number of ready entries; 0 on timeout or when a signal interrupted the wait.</summary>
    public static int EpollWait(int epoll, byte* events, int capacity, int timeoutMilliseconds)
    {
        var ready = epoll_wait(epoll, events, capacity, timeoutMilliseconds);
        if (ready >= 0) return ready;
        var errno = Marshal.GetLastPInvokeError();
        return errno == EINTR ? 0 : -errno;
    }

    /// <summary>The events and data of entry <paramref name="index"/> in an epoll_wait result.</summary>
    public static (uint Events, ulong Data) EpollEntry(byte* events, int index)
    {
        var e = events + index * EpollEventSize;
        return (*(uint*)e, EpollEventSize == 12 ? *(ulong*)(e + 4) : *(ulong*)(e + 8));
    }

    public static int EventFd() => Check(eventfd(0, SockNonBlock | SockCloexec));

    public static void Signal(int eventFd)
    {
        ulong one = 1;
        _ = write(eventFd, &one, sizeof(ulong));
    }

    public static void Drain(int eventFd)
    {
        ulong count;
        _ = read(eventFd, &count, sizeof(ulong));
    }

    private static int Check(int result) => result >= 0 ? result : -Marshal.GetLastPInvokeError();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int accept4(int fd, byte* address, int* length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int connect(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, void* buffer, nuint count, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int fd, int how);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, void* value, int* length);

    // Declared with a fixed third argument: on x86-64 and arm64 Linux an int passes the same way to the variadic fcntl.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epoll, int operation, int fd, void* @event);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epoll, byte* events, int capacity, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initial, int flags);
}
