using System.Diagnostics;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Control;

/// <summary>Where pen stalls or could be crashed by its control port, quill carries on.</summary>
public sealed class RobustnessTests
{
    [Fact]
    public async Task Garbage_RandomBytesNulsAndAHugeLine_NeverStopQuill()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);
        var random = new Random(4);
        List<byte[]> garbage =
        [
            new byte[64],
            [0, (byte)'m', (byte)'o', (byte)'d', (byte)'e', 0, (byte)'\n'],
            [.. "server 0 max "u8.ToArray(), 0xff, 0xfe, (byte)'\n'],
            Enumerable.Repeat((byte)'x', 1 << 20).ToArray(),
        ];
        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(1, 5000)];
            random.NextBytes(bytes);
            garbage.Add(bytes);
        }

        foreach (var bytes in garbage)
        {
            try
            {
                await Penctl.ExchangeAsync(balancer.Control, bytes);
            }
            catch (SocketException)
            {
                // Cut off mid-send for a line over the limit: that is the point.
            }
        }

        Assert.Equal("no hash no roundrobin no stubborn no weight no prio\n", await balancer.AskAsync("mode"));
        Assert.StartsWith("0 addr 127.0.0.1 port " + servers[0].Port + " conn 0 max 0 ", await balancer.AskAsync("servers"));
        Assert.Equal("s0", await LoopbackClient.AskAsync(balancer.Listen.Endpoint));
        Assert.False(balancer.Process.HasExited);
    }

    [Fact]
    public async Task HugeLine_GetsOneErrorLine()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);

        var reply = await Penctl.ExchangeAsync(balancer.Control, Enumerable.Repeat((byte)'x', 8192).ToArray());

        Assert.Equal("control: command longer than 4096 bytes\n", System.Text.Encoding.ASCII.GetString(reply));
    }

    [Fact]
    public async Task SilentControlClient_HeldTenSeconds_ThousandConnectionsComplete()
    {
        const int Connections = 1000;
        const int Parallel = 20;
        using var servers = NamedBackends.Start(2);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-r"], servers.Specs);
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(balancer.Control);
        var held = Stopwatch.StartNew();

        var answers = new List<string>();
        while (answers.Count < Connections)
            answers.AddRange(await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => LoopbackClient.AskAsync(balancer.Listen.Endpoint))));
        var trafficTime = held.Elapsed;
        // Keep the silent client for the full ten seconds, then check the control port still answers.
        var rest = TimeSpan.FromSeconds(10) - held.Elapsed;
        if (rest > TimeSpan.Zero)
            await Task.Delay(rest);

        Assert.True(trafficTime < TimeSpan.FromSeconds(10), $"1000 connections took {trafficTime} while a control client was silent");
        Assert.Equal(Connections, answers.Count(a => a is "s0" or "s1"));
        Assert.Equal("no hash roundrobin no stubborn no weight no prio\n", await balancer.AskAsync("mode"));
    }

    [Fact]
    public async Task HugeTables_AreGrantedWithoutCostingMemoryUpFront()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);
        var before = balancer.Process.Status;

        Assert.Equal("2000000000\n", await balancer.AskAsync("conn_max 2000000000"));
        Assert.Equal("2000000000\n", await balancer.AskAsync("clients_max 2000000000"));
        Assert.Equal("Connection 1999999999:\nstate = 0\ndownfd = -1, upfd = -1\nclient = 0, server = 0\npend = 0\n",
            await balancer.AskAsync("connection 1999999999"));

        Assert.Equal("s0", await LoopbackClient.AskAsync(balancer.Listen.Endpoint));
        Assert.True(balancer.Process.Status.ResidentKilobytes - before.ResidentKilobytes < 100_000, $"before {before}, after {balancer.Process.Status}");
    }
}
