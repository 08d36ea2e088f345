using System.Globalization;

namespace Quill.Hosting;

/// <summary>-p: the pid as decimal with no newline (pen's format), removed on clean exit unless another quill has
/// written its own pid there since (a takeover).</summary>
internal sealed class PidFile : IDisposable
{
    private readonly string _path;

    private PidFile(string path) => _path = path;

    private static string OwnPid => Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public static PidFile Write(string path)
    {
        var full = Path.GetFullPath(path);
        File.WriteAllText(full, OwnPid);
        return new PidFile(full);
    }

    public void Dispose()
    {
        try
        {
            if (File.ReadAllText(_path) == OwnPid) File.Delete(_path);
        }
        catch (IOException) { /* already gone or unwritable: nothing to clean up */ }
        catch (UnauthorizedAccessException) { }
    }
}
