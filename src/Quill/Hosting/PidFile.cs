using System.Globalization;
using System.Text;
using Quill.Interop;

namespace Quill.Hosting;

/// <summary>
/// -p: the pid as decimal with no newline (pen's format), written before -j and -u take effect (unlike pen, so
/// /run/quill.pid works with -u quill), and removed on clean exit unless another quill has written its own pid there
/// since (a takeover). The file is read and removed through a descriptor of its directory opened at write time, so
/// after a chroot it still names the file outside the jail; after -u the removal succeeds only if the user may delete
/// in that directory (otherwise the file stays, as under systemd, whose RuntimeDirectory= removes it).
/// </summary>
internal sealed class PidFile : IDisposable
{
    private readonly int _directory;
    private readonly string _name;

    private PidFile(int directory, string name) => (_directory, _name) = (directory, name);

    private static string OwnPid => Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public static PidFile Write(string path)
    {
        var full = Path.GetFullPath(path);
        File.WriteAllText(full, OwnPid);
        var directory = Libc.open(Path.GetDirectoryName(full) ?? "/", Libc.OPath | Libc.ODirectory | Libc.OCloexec);
        return new PidFile(directory, Path.GetFileName(full));
    }

    public void Dispose()
    {
        if (_directory < 0) return;
        // Fails (and leaves the file) when the dropped user may not delete there: nothing more can be done then.
        if (ReadBack() == OwnPid) _ = Libc.unlinkat(_directory, _name, 0);
        Libc.close(_directory);
    }

    /// <summary>
    /// A takeover failed after the new process wrote its pid here: the file names this process again, so the unit and
    /// the next takeover find the one that serves. False when it cannot be written (after -u, say).
    /// </summary>
    public unsafe bool Reclaim()
    {
        if (ReadBack() == OwnPid) return true;
        var fd = Libc.openat(_directory, _name, Libc.OWrOnly | Libc.OTrunc | Libc.OCloexec);
        if (fd < 0) return false;
        var text = Encoding.ASCII.GetBytes(OwnPid);
        nint written;
        fixed (byte* start = text) written = Libc.write(fd, start, (nuint)text.Length);
        Libc.close(fd);
        return written == text.Length;
    }

    /// <summary>The file's text now, or null when it cannot be read.</summary>
    private unsafe string? ReadBack()
    {
        var fd = Libc.openat(_directory, _name, Libc.ORdOnly | Libc.OCloexec);
        if (fd < 0) return null;
        Span<byte> text = stackalloc byte[32];
        nint length;
        fixed (byte* start = text) length = Libc.read(fd, start, (nuint)text.Length);
        Libc.close(fd);
        return length < 0 ? null : Encoding.ASCII.GetString(text[..(int)length]);
    }
}
