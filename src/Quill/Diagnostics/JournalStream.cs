namespace Quill.Diagnostics;

/// <summary>
/// Whether stderr is systemd-journald's stream: systemd sets JOURNAL_STREAM to "device:inode" of the socket it
/// gave the service as stdout/stderr (systemd.exec(5)), and a service whose stderr is still that socket may
/// prefix lines with "&lt;N&gt;" for their priority.
/// </summary>
internal static class JournalStream
{
    public static bool IsStderr()
    {
        if (Environment.GetEnvironmentVariable("JOURNAL_STREAM") is not { } stream) return false;
        var inode = stream[(stream.IndexOf(':', StringComparison.Ordinal) + 1)..];
        try
        {
            // A socket's link reads "socket:[INODE]"; every socket lives on the one sockfs device.
            return new FileInfo("/proc/self/fd/2").LinkTarget == $"socket:[{inode}]";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
