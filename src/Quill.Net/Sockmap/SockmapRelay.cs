using Quill.Core.Model;
using Quill.Net.Interop;

namespace Quill.Net.Sockmap;

/// <summary>
/// Kernel-side relaying: a plain TCP connection's two sockets go into a sockhash whose stream-verdict program
/// (<see cref="SockmapProgram"/>) sends what arrives on one out of the other, so its bytes pass without waking quill.
/// Quill still sees each socket's FIN and errors (epoll reports them as before) and reads the byte counters from
/// TCP_INFO. What the kernel holds for a destination that does not read is bounded per direction
/// (<see cref="SockmapPressure"/>): the program spends a budget per source socket and names the source in a ring
/// buffer (<see cref="Spent"/>) when it runs out. Opened once at start-up; where the kernel refuses (no
/// CAP_BPF/CAP_NET_ADMIN, a seccomp filter, no sockmap support) the event loop relays every connection, as it always did.
/// </summary>
internal sealed class SockmapRelay : IDisposable
{
    /// <summary>Each socket under its partner's cookie: where the program sends what arrives on the partner.</summary>
    private readonly int _targets;

    /// <summary>Each socket under its own cookie; the program is attached here, so joining this map starts it.</summary>
    private readonly int _verdicts;

    /// <summary>Each source socket's budget under its own cookie: the bytes the kernel may still take before quill looks.</summary>
    private readonly int _budgets;

    private readonly int _program;
    private readonly BalancerCounters _counters;

    private SockmapRelay(int targets, int verdicts, int budgets, SpentBudgetRing spent, int program, BalancerCounters counters) =>
        (_targets, _verdicts, _budgets, Spent, _program, _counters) = (targets, verdicts, budgets, spent, program, counters);

    /// <summary>Where the program names a source whose budget it has spent.</summary>
    public SpentBudgetRing Spent { get; }

    /// <summary>Creates the maps, loads and attaches the program; null and why when the kernel refuses.</summary>
    /// <param name="connections">The most connections relayed in the kernel at once; beyond it the loop relays.</param>
    /// <param name="counters">Where the connections it takes are counted (for /metrics).</param>
    public static SockmapRelay? TryOpen(int connections, BalancerCounters counters, out string refusal)
    {
        var entries = Math.Max(2, 2 * connections);
        int verdicts = -1, budgets = -1, program = -1;
        SpentBudgetRing? spent = null;
        var verifier = "";
        var targets = Libc.BpfCreateMap(Libc.BpfMapTypeSockHash, sizeof(ulong), sizeof(int), entries);
        var result = targets;
        if (result >= 0) result = verdicts = Libc.BpfCreateMap(Libc.BpfMapTypeSockHash, sizeof(ulong), sizeof(int), entries);
        // Twice the sockets: a closed connection's budgets leave just after its sockets (see ForgetBudgets).
        if (result >= 0) result = budgets = Libc.BpfCreateMap(Libc.BpfMapTypeHash, sizeof(ulong), sizeof(long), 2 * entries);
        if (result >= 0) spent = SpentBudgetRing.TryOpen(out result);
        if (result >= 0)
        {
            result = program = Libc.BpfLoadProgram(Libc.BpfProgTypeSkSkb,
                SockmapProgram.Verdict(targets, budgets, spent!.Fd, SockmapPressure.Budget), out verifier);
        }
        if (result >= 0) result = Libc.BpfAttach(program, verdicts, Libc.BpfSkSkbStreamVerdict);
        if (result >= 0)
        {
            refusal = "";
            counters.SockmapReady();
            return new SockmapRelay(targets, verdicts, budgets, spent!, program, counters);
        }
        refusal = $"bpf: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-result)}"
            + (verifier.Length > 0 ? $" ({verifier.ReplaceLineEndings(" ").Trim()})" : "");
        spent?.Dispose();
        foreach (var fd in new[] { program, budgets, verdicts, targets })
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
    public SockmapJoin Join(int clientFd, int serverFd, out ulong client, out ulong server)
    {
        client = Libc.SocketCookie(clientFd);
        server = Libc.SocketCookie(serverFd);
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
    /// Takeover or backpressure: the kernel stops redirecting what arrives on <paramref name="fd"/>, which waits in its
    /// receive queue from now on. What it redirected already still goes out of the partner: the socket stays in the
    /// targets map. The bytes it took are known exactly only when no segment came between the readings before and
    /// after the pause; if one did, the kernel takes the source back (what came meanwhile follows what went before)
    /// and it tries again.
    /// </summary>
    /// <returns>The bytes the kernel took from the source (less a FIN); -1 when it never read clean (not paused then).</returns>
    public long PauseCounted(int fd)
    {
        const int attempts = 8;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var before = SockmapLeg.Taken(fd);
            if (before < 0 || !Pause(fd)) return -1;
            if (SockmapLeg.Taken(fd) == before) return before;
            if (!Unpause(fd)) return -1;
        }
        return -1;
    }

    private bool Pause(int fd) => Libc.SocketCookie(fd) is var cookie and not 0 && Libc.BpfDelete(_verdicts, cookie) >= 0;

    /// <summary>Undoes <see cref="Pause"/>: what queued meanwhile is redirected after what went before.</summary>
    private bool Unpause(int fd)
    {
        var cookie = Libc.SocketCookie(fd);
        if (cookie == 0 || Libc.BpfPutSocket(_verdicts, cookie, fd) < 0) return false;
        _ = Libc.NudgeReceiver(fd);
        return true;
    }

    /// <summary>The source may hand the kernel <paramref name="bytes"/> more before quill looks again.</summary>
    public void Refill(ulong sourceCookie, long bytes) => _ = Libc.BpfPut(_budgets, sourceCookie, bytes);

    /// <summary>
    /// A connection's sockets are closed or have left the kernel: their budgets go. After the sockets leave the maps,
    /// or a last skb would make the program create a budget again.
    /// </summary>
    public void ForgetBudgets(ulong clientCookie, ulong serverCookie)
    {
        _ = Libc.BpfDelete(_budgets, clientCookie);
        _ = Libc.BpfDelete(_budgets, serverCookie);
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
        Spent.Dispose();
        Libc.Close(_budgets);
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
