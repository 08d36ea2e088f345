using Quill.Net.Sockmap;

namespace Quill.Net.Engine;

/// <summary>
/// One of the engine's event loops with everything bound to its thread: its share of the listener, its idle sweep
/// and the relays it carries. A relay never leaves the loop that accepted its client.
/// </summary>
internal sealed class EngineLoop : IDisposable
{
    [ThreadStatic]
    private static EngineLoop? t_current;

    public EngineLoop(IRelayEngineHost host, int multiAccept, bool sharesListener, Action<Exception> onError, TimeProvider time,
        KernelPressure? pressure)
    {
        Loop = new EventLoop(onError, time);
        Intake = new ListenerIntake(Loop, host, multiAccept, sharesListener);
        Idle = new IdleSweep(Loop);
        Kernel = new KernelCountSweep(Loop);
        Pressure = pressure;
        Loop.Post(() => t_current = this);
    }

    /// <summary>The loop whose thread is running, or null on any other thread.</summary>
    public static EngineLoop? Current => t_current;

    public EventLoop Loop { get; }

    public ListenerIntake Intake { get; }

    public IdleSweep Idle { get; }

    /// <summary>The relays whose bytes the kernel moves, whose counters are read from it once a second.</summary>
    public KernelCountSweep Kernel { get; }

    /// <summary>Kernel-side relaying, shared by every loop; null where the kernel refused it or it is turned off.</summary>
    public SockmapRelay? Sockmap => Pressure?.Sockmap;

    /// <summary>Which relay a kernel-relayed source belongs to, for backpressure; shared by every loop, null as <see cref="Sockmap"/>.</summary>
    public KernelPressure? Pressure { get; }

    /// <summary>The relays open on this loop, so that a stop can close them.</summary>
    public HashSet<Relay> Live { get; } = [];

    /// <summary>accept_proxy: the clients whose PROXY header is still being read here, so that a stop can close them.</summary>
    public HashSet<ProxyHeaderReader> Reading { get; } = [];

    public void Dispose() => Loop.Dispose();
}
