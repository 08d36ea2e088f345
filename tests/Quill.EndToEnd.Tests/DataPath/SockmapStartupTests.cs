using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Operations;

namespace Quill.EndToEnd.Tests.DataPath;

/// <summary>
/// Whether the kernel relays plain connections (BPF sockmap) is decided at start-up and shows in /metrics: it does with
/// --sockmap, it does not by default or with --no-sockmap, and where the kernel refuses BPF (the capabilities it needs dropped from the
/// bounding set, so the real bpf(2) calls fail) quill says so in one line and the event loop relays.
/// </summary>
public sealed class SockmapStartupTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private static readonly string[] WithoutBpf = ["setpriv", "--bounding-set=-bpf,-sys_admin,-net_admin,-perfmon", "--"];

    [RootFact]
    public async Task Sockmap_KernelRelays_CountedInMetrics()
    {
        var (log, metrics) = await EchoThroughQuillAsync(["--sockmap"], launcher: null);

        Assert.DoesNotContain("sockmap", log, StringComparison.Ordinal);
        Assert.Contains("\nquill_sockmap_enabled 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\nquill_sockmap_connections_total 1\n", metrics, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task BpfRefused_OneLogLineAndTheEventLoopRelays()
    {
        var (log, metrics) = await EchoThroughQuillAsync(["--sockmap"], WithoutBpf);

        var lines = log.Split('\n').Where(line => line.Contains("sockmap", StringComparison.Ordinal)).ToArray();
        Assert.Single(lines);
        Assert.Contains("sockmap: the kernel refused (bpf: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("\nquill_sockmap_enabled 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\nquill_sockmap_connections_total 0\n", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--no-sockmap")]
    [InlineData("--sockmap --no-sockmap")]
    public async Task DefaultOrNoSockmap_EventLoopRelaysWithoutComplaint(string options)
    {
        var (log, metrics) = await EchoThroughQuillAsync(options.Split(' ', StringSplitOptions.RemoveEmptyEntries), launcher: null);

        Assert.DoesNotContain("sockmap", log, StringComparison.Ordinal);
        Assert.Contains("\nquill_sockmap_enabled 0\n", metrics, StringComparison.Ordinal);
    }

    /// <summary>One echoed exchange through a fresh quill; its standard error and a /metrics scrape after it.</summary>
    private static async Task<(string Log, string Metrics)> EchoThroughQuillAsync(string[] options, string[]? launcher)
    {
        using var backend = new EchoBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        var web = FreePorts.Next();
        using var quill = BalancerProcess.Launch(BalancerKind.Quill,
            ["-f", "--web-listen", $"127.0.0.1:{web}", .. options, listen.Argument, backend.Spec], launcher: launcher);
        await quill.WaitUntilListeningAsync(listen);
        await quill.WaitUntilListeningAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, web));

        using (var socket = await LoopbackClient.ConnectAsync(listen.Endpoint))
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes("echo me\n"));
            Assert.Equal("echo me", await LoopbackClient.ReadLineAsync(socket));
            socket.Shutdown(SocketShutdown.Send);
            Assert.Equal("", await LoopbackClient.ReadToEndAsync(socket));
        }
        var metrics = await Http.GetStringAsync($"http://127.0.0.1:{web}/metrics");
        return (quill.StandardError, metrics);
    }
}
