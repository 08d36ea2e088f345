using System.Runtime.InteropServices;
using Quill.Interop;

namespace Quill.Operations;

/// <summary>The daemon's debug output: syslog, ident "quill", one record per line, at the facility and severity given.</summary>
internal static class Syslog
{
    private static IntPtr s_ident;

    public static void Open()
    {
        if (s_ident != IntPtr.Zero) return;
        // Never freed: openlog keeps the pointer for the life of the process.
        s_ident = Marshal.StringToCoTaskMemUTF8("quill");
        Libc.openlog(s_ident, Libc.LogPid, Libc.LogUser);
    }

    /// <param name="facility">A facility code (0-23), as syslog_facility sets it.</param>
    /// <param name="severity">A syslog severity (0-7).</param>
    public static void Write(int facility, int severity, string message)
    {
        foreach (var line in message.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Libc.syslog((facility << 3) | severity, "%s", line);
    }
}
