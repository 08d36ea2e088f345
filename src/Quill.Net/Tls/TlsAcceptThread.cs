using Quill.Net.Interop;

namespace Quill.Net.Tls;

/// <summary>
/// With -E the event loops only accept (and read PROXY headers): handshakes and TLS bytes run on .NET's socket thread,
/// under load on the same core. Woken for each new client, a loop preempted the handshake running there, and those
/// switches were a good part of the CPU quill spends per handshake beyond HAProxy's (bench/results/tls-profile.md).
/// So a loop thread that accepts a TLS client becomes SCHED_BATCH: it keeps its share of the CPU, but when woken it
/// waits until the handshake thread sleeps or its time slice ends, then accepts every client that came meanwhile, as
/// HAProxy's single thread finishes the work in hand before it accepts. On a core with nothing else to run it accepts
/// at once. A thread the loop starts afterwards inherits the policy (the runtime's socket, timer and pool threads exist
/// by the first client; a pool worker added later would only lose its wake-up preemption).
/// </summary>
internal static class TlsAcceptThread
{
    [ThreadStatic]
    private static bool t_batch;

    /// <summary>On the loop thread that accepted a TLS client; does its work once per thread.</summary>
    public static void YieldToHandshakes()
    {
        if (t_batch) return;
        t_batch = true;
        // Refused only by a seccomp or similar policy: the thread then preempts as before, nothing else changes.
        _ = Libc.UseBatchScheduling();
    }
}
