using Quill.Core.Model;
using Quill.Net.Interop;

namespace Quill.Net.Sockmap;

/// <summary>
/// Kernel-side relaying: a plain TCP connection's two sockets go into a sockhash whose stream-verdict program
/// (<see cref="SockmapProgram"/>) sends what arrives on one out of the other, so its bytes pass without waking quill.
/// Quill still sees each socket's FIN and errors (epoll reports them as before) and reads the byte counters from
/// TCP_INFO. Opened once at start-up; where the kernel refuses (no CAP_BPF/CAP_NET_ADMIN, a seccomp filter, no
/// sockmap support) the event loop relays every connection, as it always did.
/// </summary>
internal sealed class SockmapRelay : IDisposable
{
    /// <summary>Each socket under its partner's cookie: where the program sends what arrives on the partner.</summary>
    private readonly int _targets;

    /// <summary>Each socket under its own cookie; the program is attached here, so joining this map starts it.</summary>
    private readonly int _verdicts;

    private readonly int _program;
    private readonly BalancerCounters _counters;

    private SockmapRelay(int targets, int verdicts, int program, BalancerCounters counters) =>
        (_targets, _verdicts, _program, _counters) = (targets, verdicts, program, counters);

    /// <summary>Creates the maps, loads and attaches the program; null and why when the kernel refuses.</summary>
    /// <param name="connections">The most connections relayed in the kernel at once; beyond it the loop relays.</param>
    /// <param name="counters">Where the connections it takes are counted (for /metrics).</param>
    public static SockmapRelay? TryOpen(int connections, BalancerCounters counters, out string refusal)
    {
        var entries = Math.Max(2, 2 * connections);
        int verdicts = -1, program = -1;
        var verifier = "";
        var targets = Libc.BpfCreateMap(Libc.BpfMapTypeSockHash, sizeof(ulong), sizeof(int), entries);
        var result = targets;
        if (result >= 0) result = verdicts = Libc.BpfCreateMap(Libc.BpfMapTypeSockHash, sizeof(ulong), sizeof(int), entries);
        if (result >= 0) result = program = Libc.BpfLoadProgram(Libc.BpfProgTypeSkSkb, SockmapProgram.Verdict(targets), out verifier);
        if (result >= 0) result = Libc.BpfAttach(program, verdicts, Libc.BpfSkSkbStreamVerdict);
        if (result >= 0)
        {
            refusal = "";
            counters.SockmapReady();
            return new SockmapRelay(targets, verdicts, program, counters);
        }
        refusal = $"bpf: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-result)}"
            + (verifier.Length > 0 ? $" ({verifier.ReplaceLineEndings(" ").Trim()})" : "");
        foreach (var fd in new[] { program, verdicts, targets })
        {
            if (fd >= 0) Libc.Close(fd);
        }
        return null;
    }

    /// <summary>
    /// Hands a connected pair to the kernel. Both go in the targets map first, so the program never runs on a socket
    /// whose partner it cannot find; then each starts its program, the server's first (a server that has already
    /// closed is refused here, before anything moved). A direction the kernel took cannot be given back without
    /// reordering its bytes, so if only the server's joins, the client's direction stays with the loop.
    /// </summary>
    /// <remarks>Loop thread; the relay must not have read from either socket.</remarks>
    public SockmapJoin Join(int clientFd, int serverFd)
    {
        var client = Libc.SocketCookie(clientFd);
        var server = Libc.SocketCookie(serverFd);
        if (client == 0 || server == 0) return SockmapJoin.None;
        if (Libc.BpfPutSocket(_targets, client, serverFd) < 0) return SockmapJoin.None;
        if (Libc.BpfPutSocket(_targets, server, clientFd) < 0
            || Libc.BpfPutSocket(_verdicts, server, serverFd) < 0)
        {
            _ = Libc.BpfDelete(_targets, client);
            _ = Libc.BpfDelete(_targets, server);
            return SockmapJoin.None;
        }
        _ = Libc.NudgeReceiver(serverFd);
        _counters.SockmapConnectionJoined();
        if (Libc.BpfPutSocket(_verdicts, client, clientFd) < 0) return SockmapJoin.ServerToClient;
        _ = Libc.NudgeReceiver(clientFd);
        return SockmapJoin.Both;
    }

    /// <summary>
    /// Takeover: the kernel stops redirecting what arrives on <paramref name="fd"/>, which waits in its receive queue
    /// from now on. What it redirected already still goes out of the partner: the socket stays in the targets map.
    /// </summary>
    public bool Pause(int fd) => Libc.SocketCookie(fd) is var cookie and not 0 && Libc.BpfDelete(_verdicts, cookie) >= 0;

    /// <summary>Undoes <see cref="Pause"/>: what queued meanwhile is redirected after what went before.</summary>
    public bool Unpause(int fd)
    {
        var cookie = Libc.SocketCookie(fd);
        if (cookie == 0 || Libc.BpfPutSocket(_verdicts, cookie, fd) < 0) return false;
        _ = Libc.NudgeReceiver(fd);
        return true;
    }

    /// <summary>
    /// Takeover: both sockets leave the kernel for good, once both are paused and every redirected byte has been
    /// sent (leaving the targets map drops whatever the kernel still queues for the socket).
    /// </summary>
    public void Leave(int clientFd, int serverFd)
    {
        _ = Libc.BpfDelete(_targets, Libc.SocketCookie(clientFd));
        _ = Libc.BpfDelete(_targets, Libc.SocketCookie(serverFd));
    }

    public void Dispose()
    {
        // Sockets still in the maps leave them as the maps go; their connections were closed first.
        Libc.Close(_program);
        Libc.Close(_verdicts);
        Libc.Close(_targets);
    }
}

/// <summary>Which directions of a connection the kernel relays.</summary>
internal enum SockmapJoin
{
    None,

    /// <summary>The server's bytes only: the client had already shut down or gone when it would have joined.</summary>
    ServerToClient,

    Both,
}
