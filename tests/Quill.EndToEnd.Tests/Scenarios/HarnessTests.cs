using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

/// <summary>The harness itself: if these fail, the balancer tests cannot be trusted.</summary>
public sealed class HarnessTests
{
    [Fact]
    public async Task BlackHole_ConnectNeitherSucceedsNorFails()
    {
        using var hole = await BlackHole.OpenAsync();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, hole.Port), timeout.Token));
    }

    [Fact]
    public async Task NamedBackend_GreetsFromDistinctSourceAddress()
    {
        using var backend = NamedBackend.OnLoopback("alpha");
        using var socket = await LoopbackClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, backend.Port), LoopbackClient.Source(7));

        Assert.Equal(LoopbackClient.Source(7), ((IPEndPoint)socket.LocalEndPoint!).Address);
        Assert.Equal("alpha", await LoopbackClient.ReadToEndAsync(socket));
    }

    [Fact]
    public async Task ChecksumBackend_ReceivesAndSendsExactBytes()
    {
        var down = new ChecksumStream(seed: 1, length: 300_000);
        var up = new ChecksumStream(seed: 2, length: 200_000);
        using var backend = new ChecksumBackend(down);
        using var socket = await LoopbackClient.ConnectAsync(IPEndPoint.Parse(backend.Spec));
        using var timeout = new CancellationTokenSource(LoopbackClient.OperationTimeout);

        var sending = up.SendAsync(socket, timeout.Token);
        var received = await ChecksumStream.ReceiveAsync(socket, timeout.Token);
        await sending;

        Assert.Equal(down.Sha256, received.Sha256);
        Assert.Equal(up.Sha256, (await backend.Received.WaitAsync(timeout.Token)).Sha256);
    }

    [PenFact]
    public async Task BalancerProcess_ReportsExitBeforeListening()
    {
        // pen given a bad option prints usage and exits 0 instead of listening.
        var listen = ListenAddress.Loopback(FreePorts.Next());
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => BalancerProcess.StartAsync(BalancerKind.Pen, listen, ["-y"], "127.0.0.1:1"));

        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    /// <summary>
    /// The cause of the refused control connections (issue 12, item 7): a port handed out twice, so that the
    /// port a balancer was to listen on was already someone else's listening socket, passed for readiness while
    /// that balancer was failing to start.
    /// </summary>
    [Fact]
    public async Task BalancerProcess_PortAnotherProcessListensOn_IsNotReadiness()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen();
        var listen = ListenAddress.Loopback(((IPEndPoint)other.LocalEndPoint!).Port);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], "127.0.0.1:1"));

        Assert.Contains("cannot listen", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FreePorts_NeverHandsOutAPortTwice()
    {
        var ports = Enumerable.Range(0, 500).Select(_ => FreePorts.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

    [Fact]
    public void ProcessStatus_ReadsThisProcess()
    {
        var status = ProcessStatus.Read(Environment.ProcessId);

        Assert.True(status.Threads > 0);
        Assert.True(status.ResidentKilobytes > 0);
        Assert.True(status.OpenDescriptors > 2);
    }
}
