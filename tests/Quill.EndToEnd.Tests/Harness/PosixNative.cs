using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>The libc calls .NET does not expose: sending signals (SIGTERM, and SIGKILL/SIGSTOP/SIGCONT for chaos), and raising the open-file limit.</summary>
internal static partial class PosixNative
{
    public const int SigTerm = 15;
    public const int SigInt = 2;
    public const int SigHup = 1;
    public const int SigKill = 9;
    public const int SigUsr1 = 10;
    public const int SigCont = 18;
    public const int SigStop = 19;
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetResourceLimit(int resource, out ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetResourceLimit(int resource, in ResourceLimit limit);

    public static void SendSignal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({pid}, {signal})");
    }

    /// <summary>
    /// Raises this process's soft RLIMIT_NOFILE to at least <paramref name="wanted"/> (capped by the hard limit);
    /// child processes such as quill inherit it. Returns the soft limit now in force.
    /// </summary>
    public static ulong RaiseOpenFileLimit(ulong wanted)
    {
        if (GetResourceLimit(RlimitNofile, out var limit) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "getrlimit(RLIMIT_NOFILE)");
        var target = Math.Min(wanted, limit.Maximum);
        if (limit.Current >= target)
            return limit.Current;
        var raised = new ResourceLimit { Current = target, Maximum = limit.Maximum };
        if (SetResourceLimit(RlimitNofile, raised) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"setrlimit(RLIMIT_NOFILE, {target})");
        return target;
    }
}
