using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Quill.Interop;

namespace Quill.Operations;

/// <summary>
/// pen installs its handlers with signal(2), so HUP, INT, QUIT, TERM and USR1 work even when pen was started with them
/// ignored (nohup ignores HUP; a shell without job control starts background jobs with INT and QUIT ignored). The .NET
/// runtime keeps a signal that was ignored at start ignored, whatever is registered for it later, so a quill started
/// that way would neither reload on HUP nor stop on INT. When one of them is ignored, quill sets it back to the default
/// and runs itself again in place (same pid, same arguments), before anything else is opened.
/// </summary>
internal static class IgnoredSignals
{
    private const string RestartedMark = "QUILL_SIGNALS_RESTORED";
    private static readonly int[] Handled = [1, 2, 3, Libc.SigUsr1, 15];

    /// <summary>Returns only when nothing needs restoring or the restart failed (quill then runs on as it is).</summary>
    public static void Restore()
    {
        if (Environment.GetEnvironmentVariable(RestartedMark) is not null)
        {
            Environment.SetEnvironmentVariable(RestartedMark, null);
            return;
        }
        var ignored = Handled.Where(IsIgnoredNow()).ToArray();
        if (ignored.Length == 0) return;
        foreach (var signal in ignored) Libc.SetDisposition(signal, 0);
        Environment.SetEnvironmentVariable(RestartedMark, "1");
        RunAgain();
        Environment.SetEnvironmentVariable(RestartedMark, null);
    }

    /// <summary>The SigIgn mask of /proc/self/status: bit N-1 is signal N.</summary>
    private static Func<int, bool> IsIgnoredNow()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var mask = line is null ? 0UL : ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return signal => (mask & (1UL << (signal - 1))) != 0;
    }

    /// <summary>execv of this very executable with the arguments it was given (/proc/self/cmdline holds them as
    /// started, whichever host runs quill).</summary>
    private static unsafe void RunAgain()
    {
        var words = File.ReadAllBytes("/proc/self/cmdline");
        var arguments = Encoding.UTF8.GetString(words).TrimEnd('\0').Split('\0');
        var native = arguments.Select(a => Marshal.StringToCoTaskMemUTF8(a)).Append(0).ToArray();
        var path = Marshal.StringToCoTaskMemUTF8("/proc/self/exe");
        fixed (nint* argv = native) Libc.execv((byte*)path, (byte**)argv);
        // Still here: execv failed; what was allocated for it is given back and quill runs on.
        foreach (var pointer in native) Marshal.FreeCoTaskMem(pointer);
        Marshal.FreeCoTaskMem(path);
    }
}
