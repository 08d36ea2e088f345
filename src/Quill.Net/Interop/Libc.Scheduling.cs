using System.Runtime.InteropServices;

namespace Quill.Net.Interop;

/// <summary>The scheduling policy of the calling thread.</summary>
internal static unsafe partial class Libc
{
    private const int SchedBatch = 3;

    /// <summary>
    /// Makes the calling thread SCHED_BATCH: the same share of the CPU as before, but when woken it does not preempt the
    /// thread running on its core; it runs when that one sleeps or its time slice ends. 0 or -errno.
    /// </summary>
    public static int UseBatchScheduling()
    {
        var parameter = 0;
        return sched_setscheduler(0, SchedBatch, &parameter) == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    // pid 0 is the calling thread: Linux schedules threads, not processes.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setscheduler(int pid, int policy, int* parameter);
}
