using System.Diagnostics;

namespace Quill.Hosting;

/// <summary>
/// For the failure tests: QUILL_TAKEOVER_FAIL=STEP makes the new process SIGKILL itself at that step of a takeover
/// (hello, listeners, accepting, relay or with -U session, state), so the test sees the running quill survive a real
/// crash at exactly that point. Unset, as in every real run, it does nothing.
/// </summary>
internal static class TakeoverFailpoint
{
    private static readonly string? Step = Environment.GetEnvironmentVariable("QUILL_TAKEOVER_FAIL");

    public static void At(string step)
    {
        // Process.Kill is SIGKILL on Unix: no handler, no finally, no flush, as a crash.
        if (step == Step) Process.GetCurrentProcess().Kill();
    }
}
