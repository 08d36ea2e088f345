using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>File modes and owners, for the unix control socket.</summary>
internal static unsafe partial class Libc
{
    /// <summary>Sets the mode of a descriptor's inode; on a unix socket before bind, the mode its file is created with. 0 or -errno.</summary>
    public static int Fchmod(int fd, uint mode) => fchmod(fd, mode) == 0 ? 0 : -Marshal.GetLastPInvokeError();

    /// <summary>Sets a file's mode exactly, whatever the umask. 0 or -errno.</summary>
    public static int Chmod(string path, uint mode) => chmod(path, mode) == 0 ? 0 : -Marshal.GetLastPInvokeError();

    /// <summary>Gives a file (not the target of a link) to a user and group. 0 or -errno.</summary>
    public static int Lchown(string path, uint user, uint group) => lchown(path, user, group) == 0 ? 0 : -Marshal.GetLastPInvokeError();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fchmod(int fd, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint user, uint group);
}
