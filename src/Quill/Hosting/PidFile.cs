using System.Globalization;

namespace Quill.Hosting;

/// <summary>-p: the pid as decimal with no newline (pen's format), removed on clean exit.</summary>
internal sealed class PidFile : IDisposable
{
    private readonly string _path;

    private PidFile(string path) => _path = path;

    public static PidFile Write(string path)
    {
        var full = Path.GetFullPath(path);
        File.WriteAllText(full, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new PidFile(full);
    }

    public void Dispose()
    {
        try { File.Delete(_path); }
        catch (IOException) { /* already gone or unwritable: nothing to clean up */ }
        catch (UnauthorizedAccessException) { }
    }
}
