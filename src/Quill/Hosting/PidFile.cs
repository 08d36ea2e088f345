using System.Globalization;
using Quill.Interop;

namespace Quill.Hosting;

/// <summary>
/// -p: the pid as decimal with no newline (pen's format), written before -j and -u take effect (unlike pen, so
/// /run/quill.pid works with -u quill), and removed on clean exit. The removal goes through a descriptor of the
/// file's directory opened at write time, so after a chroot it still names the file outside the jail; after -u it
/// succeeds only if the user may delete in that directory (otherwise the file stays, as under systemd, whose
/// RuntimeDirectory= removes it).
/// </summary>
internal sealed class PidFile : IDisposable
{
    private readonly int _directory;
    private readonly string _name;

    private PidFile(int directory, string name) => (_directory, _name) = (directory, name);

    public static PidFile Write(string path)
    {
        var full = Path.GetFullPath(path);
        File.WriteAllText(full, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var directory = Libc.open(Path.GetDirectoryName(full) ?? "/", Libc.OPath | Libc.ODirectory | Libc.OCloexec);
        return new PidFile(directory, Path.GetFileName(full));
    }

    public void Dispose()
    {
        if (_directory < 0) return;
        // Fails (and leaves the file) when the dropped user may not delete there: nothing more can be done then.
        _ = Libc.unlinkat(_directory, _name, 0);
        Libc.close(_directory);
    }
}
