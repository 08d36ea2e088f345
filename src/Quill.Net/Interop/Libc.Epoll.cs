using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>epoll and the eventfd that wakes it.</summary>
internal static unsafe partial class Libc
{
    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollRdHup = 0x2000;
    public const uint EpollExclusive = 1u << 28;
    public const uint EpollEdgeTriggered = 1u << 31;

    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const int EpollCtlMod = 3;

    /// <summary>epoll_event is packed to 12 bytes on x86-64 and naturally aligned (16) elsewhere.</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static int EpollCreate() => Check(epoll_create1(SockCloexec));

    public static int EpollAdd(int epoll, int fd, uint events, ulong data) => EpollControl(epoll, EpollCtlAdd, fd, events, data);

    /// <summary>Changes what a registered descriptor is watched for.</summary>
    public static int EpollModify(int epoll, int fd, uint events, ulong data) => EpollControl(epoll, EpollCtlMod, fd, events, data);

    private static int EpollControl(int epoll, int operation, int fd, uint events, ulong data)
    {
        var e = stackalloc byte[16];
        *(uint*)e = events;
        *(ulong*)(e + 4) = data;
        if (EpollEventSize == 16) *(ulong*)(e + 8) = data;
        return Check(epoll_ctl(epoll, operation, fd, e));
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

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epoll, int operation, int fd, void* @event);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epoll, byte* events, int capacity, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initial, int flags);
}
