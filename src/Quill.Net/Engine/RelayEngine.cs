using System.Net.Sockets;
using Quill.Net.Connections;
using Quill.Net.Interop;
using Quill.Net.Listening;
using Quill.Net.Sockmap;
using Quill.Net.Takeover;

namespace Quill.Net.Engine;

/// <summary>
/// The plain-TCP data path: event-loop threads that accept clients, connect to servers and relay bytes with direct
/// syscalls (read/send, splice for bulk), the way pen does it in C, but one loop per core. The host decides what
/// each client gets; a client accepted on a loop stays on it.
/// </summary>
internal sealed class RelayEngine : IDisposable
{
    /// <summary>
    /// Larger pipes than the .NET-socket path's: a bulk transfer then moves up to this much per splice pair.
    /// </summary>
    internal static readonly PipePool Pipes = new(capacity: 256, pipeCapacity: 1024 * 1024);

    private readonly EngineLoop[] _loops;
    private readonly SockmapRelay? _sockmap;
    private int _nextAdoption;

    /// <param name="loops">How many loops (threads) share the listener; one per core the process may run on.</param>
    /// <param name="sockmap">Kernel-side relaying for plain connections, owned by the engine from now on; null: none.</param>
    public RelayEngine(IRelayEngineHost host, int loops, int multiAccept, Action<Exception> onError, TimeProvider time,
        SockmapRelay? sockmap = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        _sockmap = sockmap;
        _loops = new EngineLoop[Math.Max(1, loops)];
        var pressure = sockmap is null ? null : new KernelPressure(sockmap);
        for (var i = 0; i < _loops.Length; i++)
            _loops[i] = new EngineLoop(host, Math.Max(1, multiAccept), _loops.Length > 1, onError, time, pressure);
        pressure?.ReadOn(_loops[0].Loop);
    }

    public void Start()
    {
        // Held from the start, before clients can take the descriptors it needs.
        _ = DescriptorReserve.Shared;
        foreach (var shard in _loops) shard.Loop.Start();
    }

    /// <summary>Accepts from <paramref name="listener"/> (replacing the previous one); from any thread.</summary>
    /// <returns>Completes when every loop accepts from it.</returns>
    public Task Listen(ConnectionListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return OnEveryLoop(shard => shard.Intake.Listen(listener.Handle));
    }

    /// <summary>
    /// Takeover or graceful stop: no loop calls accept(2) again once this completes; connections go on (and those that
    /// stayed in the kernel through an earlier takeover may try to leave it again).
    /// </summary>
    public Task StopAccepting() => OnEveryLoop(shard =>
    {
        shard.Intake.Detach();
        foreach (var relay in shard.Live) relay.MayLeaveKernel();
    });

    /// <summary>
    /// Takeover, old side, one pass: takes every relaying plain connection that can move out of its loop (see
    /// <see cref="Relay.HandOver"/>). Also says how many may be able to on a later pass: still connecting, or still
    /// leaving the kernel.
    /// </summary>
    public async Task<(List<MovedRelay> Moved, int Pending)> HandOver()
    {
        var moved = new List<MovedRelay>();
        var pending = 0;
        await OnEveryLoop(shard =>
        {
            foreach (var relay in shard.Live.ToArray())
            {
                MovedRelay? one;
                try
                {
                    one = relay.HandOver();
                }
                catch (IOException)
                {
                    // Its bytes cannot be taken out whole: it must not go on with a gap.
                    relay.AbortNow();
                    continue;
                }
                lock (moved)
                {
                    if (one is not null) moved.Add(one);
                    else if (relay.Connecting || relay.LeavingKernel) pending++;
                }
            }
        }).ConfigureAwait(false);
        return (moved, pending);
    }

    /// <summary>Takeover, new side: carries on a relay the previous process handed over, on the next loop in turn.</summary>
    /// <param name="lifecycle">Made on the loop thread, for the connection.</param>
    public void Adopt(MovedRelay moved, Func<ConnectionLifecycle> lifecycle)
    {
        ArgumentNullException.ThrowIfNull(moved);
        ArgumentNullException.ThrowIfNull(lifecycle);
        var shard = _loops[(int)((uint)Interlocked.Increment(ref _nextAdoption) % (uint)_loops.Length)];
        shard.Loop.Post(() => new Relay(shard, Pipes, moved.ClientFd, lifecycle()).Resume(moved));
    }

    /// <summary>The transport for a client just accepted; only from <see cref="IRelayEngineHost.Accepted"/>.</summary>
    /// <param name="tls">-E: the client speaks TLS; null: plain bytes.</param>
    public static Relay RelayFor(int clientFd, ConnectionLifecycle lifecycle, Tls.TlsTermination? tls = null)
    {
        var home = EngineLoop.Current ?? throw new InvalidOperationException("a relay starts on the loop that accepted its client");
        return new Relay(home, Pipes, clientFd, lifecycle, tls);
    }

    /// <summary>accept_proxy: reads the client's PROXY header on the loop that accepted it; only from
    /// <see cref="IRelayEngineHost.Accepted"/>. One of the callbacks follows on that loop.</summary>
    public static void ReadProxyHeader(int clientFd, TimeSpan timeout, int maxV2Payload, Action<Core.Proxy.ProxyHeader> done,
        Action<string, bool> failed)
    {
        var home = EngineLoop.Current ?? throw new InvalidOperationException("a PROXY header is read on the loop that accepted its client");
        ProxyHeaderReader.Start(home, clientFd, timeout, maxV2Payload, done, failed);
    }

    /// <summary>A connection ended and the host has room again; from any thread.</summary>
    public void ResumeAccepting()
    {
        var here = EngineLoop.Current;
        foreach (var shard in _loops)
        {
            if (shard == here) shard.Intake.Resume();
            else if (shard.Intake.Paused) shard.Loop.Post(shard.Intake.Resume);
        }
    }

    /// <summary>Stops accepting and closes every relayed connection; completes when all loops have done so.</summary>
    public Task StopAsync() => OnEveryLoop(shard =>
    {
        shard.Intake.Detach();
        foreach (var relay in shard.Live.ToArray()) relay.AbortNow();
        foreach (var reader in shard.Reading.ToArray()) reader.Abandon();
    });

    /// <summary>Runs <paramref name="action"/> on every loop's thread; completes when all have run it.</summary>
    private Task OnEveryLoop(Action<EngineLoop> action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = _loops.Length;
        foreach (var shard in _loops)
        {
            shard.Loop.Post(() =>
            {
                try
                {
                    action(shard);
                }
                finally
                {
                    if (Interlocked.Decrement(ref left) == 0) done.TrySetResult();
                }
            });
        }
        return done.Task;
    }

    /// <summary>
    /// Hands an accepted client to .NET's own sockets (TLS, -H, dummy... run there): blocking again, as .NET expects
    /// of a descriptor it did not open.
    /// </summary>
    public static Socket Adopt(int fd)
    {
        Libc.MakeBlocking(fd);
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    public void Dispose()
    {
        foreach (var shard in _loops) shard.Dispose();
        _sockmap?.Dispose();
    }
}
