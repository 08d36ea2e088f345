using System.Runtime.InteropServices;
using Quill.Interop;

namespace Quill.Operations;

/// <summary>The daemon's debug output: syslog, facility user, ident "quill", one record per line.</summary>
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

    public static void Write(int priority, string message)
    {
        foreach (var line in message.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Libc.syslog(Libc.LogUser | priority, "%s", line);
    }
}
