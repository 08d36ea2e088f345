using System.Runtime.InteropServices;

namespace Quill.Interop;

/// <summary>
/// The executable's libc calls and constants, for what .NET has no API for: sessions, descriptors, users, chroot,
/// signals and syslog.
/// </summary>
internal static partial class Libc
{
    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int ORdWr = 2;
    public const int OTrunc = 0x200;
    public const int ODirectory = 0x10000;
    public const int OCloexec = 0x80000;
    public const int OPath = 0x200000;

    /// <summary>Linux's number; .NET has no named value for it and accepts the raw number.</summary>
    public const int SigUsr1 = 10;

    public const int LogPid = 0x01;
    public const int LogUser = 1 << 3;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsid();

    /// <summary>signal(2) with SIG_DFL (0) or SIG_IGN (1) only: the handlers themselves are the runtime's.</summary>
    [LibraryImport("libc", EntryPoint = "signal", SetLastError = true)]
    public static partial nint SetDisposition(int signal, nint disposition);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int execv(byte* path, byte** argv);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint opendir(string path);

    /// <summary>The next entry (a struct dirent, not read here), or zero at the end.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial nint readdir(nint directory);

    [LibraryImport("libc")]
    public static partial int closedir(nint directory);

    public const int AtFdCwd = -100;
    public const uint StatxSize = 0x200;
    /// <summary>struct statx is 256 bytes on every architecture; stx_size, a u64, is at offset 40.</summary>
    public const int StatxBufferSize = 256;
    public const int StatxSizeOffset = 40;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int openat(int directoryFd, string name, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlinkat(int directoryFd, string name, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chroot(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chdir(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr getpwnam(string name);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setgroups(nuint size, [In] uint[] groups);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setuid(uint uid);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    /// <summary>openlog keeps the ident pointer, so the caller must keep the memory alive for the process's life.</summary>
    [LibraryImport("libc")]
    public static partial void openlog(IntPtr ident, int option, int facility);

    /// <summary>syslog is variadic; passing the text through a fixed "%s" keeps a '%' in a message harmless.</summary>
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void syslog(int priority, string format, string message);

    public static string LastError() => Marshal.GetLastPInvokeErrorMessage();
}
