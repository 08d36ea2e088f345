using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Udp;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>A quill started with -p and a control port (TCP, or UDP with -U), the arguments to start its successors with,
/// and every process started.</summary>
internal sealed class TakeoverRun : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<BalancerProcess> _processes = [];

    private TakeoverRun(IEnumerable<string> servers, string[] extra, bool udp)
    {
        Udp = udp;
        Listen = ListenAddress.Loopback(FreePorts.Next());
        Control = new IPEndPoint(IPAddress.Loopback, FreePorts.Next());
        PidFile = _directory.File("quill.pid");
        Arguments = ["-f", .. ControlledBalancer.AsRootOptions, "-p", PidFile, "-C", $"127.0.0.1:{Control.Port}",
            .. udp ? ["-U"] : Array.Empty<string>(), .. extra, Listen.Argument, .. servers];
    }

    /// <summary>UDP mode (-U): the listen address is a UDP port.</summary>
    public bool Udp { get; }

    public ListenAddress Listen { get; }
    public IPEndPoint Control { get; }
    public string PidFile { get; }
    public string TakeoverSocket => PidFile + ".takeover";
    public string[] Arguments { get; }
    public BalancerProcess Old => _processes[0];

    /// <summary>The process started last: the one serving after a successful takeover.</summary>
    public BalancerProcess Newest => _processes[^1];

    /// <param name="extra">Options placed before the listen address.</param>
    public static Task<TakeoverRun> StartAsync(IReadOnlyList<string> servers, params string[] extra) => StartAsync(servers, extra, udp: false);

    /// <summary>As <see cref="StartAsync(IReadOnlyList{string}, string[])"/>, with -U.</summary>
    public static Task<TakeoverRun> StartUdpAsync(IReadOnlyList<string> servers, params string[] extra) => StartAsync(servers, extra, udp: true);

    private static async Task<TakeoverRun> StartAsync(IReadOnlyList<string> servers, string[] extra, bool udp)
    {
        var run = new TakeoverRun(servers, extra, udp);
        try
        {
            var old = BalancerProcess.Launch(BalancerKind.Quill, run.Arguments);
            run._processes.Add(old);
            await run.WaitUntilTakeoverReadyAsync(old);
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    public async Task WaitForServerConnectionsAsync(int count)
    {
        var servers = await Eventually.ValueAsync(() => Penctl.AskAsync(Control, "servers"),
            reply => reply.Contains($"conn {count} ", StringComparison.Ordinal));
        Assert.Contains($"conn {count} ", servers);
    }

    public Task<string> AskAsync(string command) => Penctl.AskAsync(Control, command);

    /// <summary>Starts a successor with the same arguments and --takeover; its control port is the same.</summary>
    /// <param name="environment">Added to its environment (QUILL_TAKEOVER_FAIL for the failure tests).</param>
    public BalancerProcess TakeOver(IReadOnlyDictionary<string, string>? environment = null)
    {
        var next = BalancerProcess.Launch(BalancerKind.Quill, ["--takeover", .. Arguments], environment);
        _processes.Add(next);
        return next;
    }

    /// <summary>
    /// Waits until <paramref name="process"/> listens on the client (or holds the UDP socket) and control ports and has
    /// opened the takeover socket (the last step of its start, and of a takeover: the previous process's file is replaced then).
    /// </summary>
    public async Task WaitUntilTakeoverReadyAsync(BalancerProcess process)
    {
        if (Udp)
        {
            var port = ((IPEndPoint)Listen.Endpoint).Port;
            Assert.True(await Eventually.TrueAsync(() => BoundUdpPorts.IsBoundIn(process.Pid, port)),
                $"pid {process.Pid} does not hold UDP port {port}:\n{process.StandardError}");
        }
        else
        {
            await process.WaitUntilListeningAsync(Listen);
        }
        await process.WaitUntilListeningAsync(Control);
        Assert.True(await Eventually.TrueAsync(() => ListeningSockets.IsListeningIn(process.Pid, new UnixDomainSocketEndPoint(TakeoverSocket))),
            $"pid {process.Pid} has not opened {TakeoverSocket}:\n{process.StandardError}");
    }

    public void Dispose()
    {
        foreach (var process in _processes) process.Dispose();
        _directory.Dispose();
    }
}
