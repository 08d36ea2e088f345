using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>
/// io_uring(7) without liburing: the two syscalls and the mmap of the rings are all a submission ring needs, and
/// liburing is a C library with inline functions that P/Invoke cannot call. Layouts are those of
/// linux/io_uring.h, the same on x86-64 and arm64 (and the syscall numbers are the generic ones on both).
/// </summary>
internal static unsafe partial class Libc
{
    private const long SysIoUringSetup = 425;
    private const long SysIoUringEnter = 426;

    public const int IoUringParamsSize = 120;
    public const int IoUringSqeSize = 64;
    public const int IoUringCqeSize = 16;

    public const long IoUringOffSqRing = 0;
    public const long IoUringOffCqRing = 0x8000000;
    public const long IoUringOffSqes = 0x10000000;

    public const uint IoUringSetupSubmitAll = 1 << 7;
    public const uint IoUringSetupCoopTaskrun = 1 << 8;
    public const uint IoUringFeatSingleMmap = 1;
    public const uint IoUringEnterGetEvents = 1;

    public const byte IoUringOpAccept = 13;
    public const byte IoUringOpAsyncCancel = 14;
    public const byte IoUringOpConnect = 16;
    public const byte IoUringOpClose = 19;

    public const byte IoSqeCqeSkipSuccess = 1 << 6;
    public const ushort IoUringAcceptMultishot = 1;
    public const uint IoUringCqeFMore = 1 << 1;

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapShared = 1;
    private const int MapPopulate = 0x8000;

    /// <summary>io_uring_setup(2): the ring's descriptor, or -errno; <paramref name="parameters"/> is 120 bytes.</summary>
    public static int IoUringSetup(uint entries, byte* parameters) =>
        (int)CheckLong(syscall(SysIoUringSetup, (nint)entries, (nint)parameters, 0, 0, 0, 0));

    /// <summary>io_uring_enter(2): how many submissions the kernel took, or -errno.</summary>
    public static int IoUringEnter(int ring, uint toSubmit, uint minComplete, uint flags)
    {
        while (true)
        {
            var result = syscall(SysIoUringEnter, ring, (nint)toSubmit, (nint)minComplete, (nint)flags, 0, 0);
            if (result >= 0) return (int)result;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    /// <summary>Maps a region of the ring shared with the kernel; null on failure.</summary>
    public static byte* MapRing(int ring, nuint length, long offset)
    {
        var address = mmap(null, length, ProtRead | ProtWrite, MapShared | MapPopulate, ring, offset);
        return address == (void*)-1 ? null : (byte*)address;
    }

    public static void Unmap(byte* address, nuint length) => _ = munmap(address, length);

    private static long CheckLong(nint result) => result >= 0 ? result : -Marshal.GetLastPInvokeError();

    // Declared with fixed arguments: glibc's syscall() only moves registers, and on x86-64 and arm64 Linux integer
    // arguments pass the same way to a variadic function.
    [LibraryImport("libc", SetLastError = true)]
    private static partial nint syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);
}
