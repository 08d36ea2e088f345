using System.Globalization;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Control;

/// <summary>The same commands against pen and quill give the same reply bytes.</summary>
public sealed class ControlReplyTests
{
    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Commands_ReplyWithPensBytes(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(3);
        using var balancer = await ControlledBalancer.StartAsync(kind, ["-x", "500"], servers[0].Spec, servers[1].Spec);
        string Server(int index, int port, int weight = 0) =>
            $"{index} addr 127.0.0.1 port {port} conn 0 max 0 hard 0 weight {weight} prio 0 sx 0 rx 0\n";

        (string Command, string Reply)[] exchanges =
        [
            ("mode", "no hash no roundrobin no stubborn no weight no prio\n"),
            ("blacklist", "30\n"),
            ("blacklist 40", "40\n"),
            ("timeout 7", "7\n"),
            ("tracking 5", "5\n"),
            ("clients_max 10", "2048\n"),
            ("conn_max 600", "600\n"),
            ("debug", "0\n"),
            ("client_acl", "0\n"),
            ("control_acl 3", "3\n"),
            ("control_acl 0", "0\n"),
            ("servers", Server(0, servers[0].Port) + Server(1, servers[1].Port)),
            ($"server 2 address 127.0.0.1 port {servers[2].Port} weight 3", ""),
            ("servers", Server(0, servers[0].Port) + Server(1, servers[1].Port) + Server(2, servers[2].Port, weight: 3)),
            ("roundrobin", ""),
            ("stubborn", ""),
            ("mode", "no hash roundrobin stubborn no weight no prio\n"),
            ("no stubborn", ""),
            ("connection 0", "Connection 0:\nstate = 0\ndownfd = -1, upfd = -1\nclient = 0, server = 0\npend = 0\n"),
            ("connection 600", "Connection 600 out of range\n"),
            ("connection -1", "Connection -1 out of range\n"),
            ("close 700", "Connection 700 out of range\n"),
            ("socket 99999", "Socket 99999 belongs to connection -1\n"),
            ("recent", ""),
            ("control", balancer.ControlText + "\n"),
            ("listen", balancer.Listen.Argument + "\n"),
            ("pid", balancer.Process.Pid.ToString(CultureInfo.InvariantCulture) + "\n"),
            ("frobnicate 3", "do_cmd: ignoring command starting with 'frobnicate'\n"),
            ("# a comment", ""),
            ("no", ""),
            ("exit", "Exit is not enabled; restart with -X flag\n"),
            ("acl 1 permit 10.0.0.0 255.0.0.0", ""),
            ("no acl 1", ""),
        ];
        var mismatches = new List<string>();
        foreach (var (command, expected) in exchanges)
        {
            var reply = await balancer.AskAsync(command);
            if (reply != expected)
                mismatches.Add($"'{command}': expected [{expected}] got [{reply}]");
        }

        Assert.Empty(mismatches);
        Assert.False(balancer.Process.HasExited);
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task Recent_CountsConnectsAndBytes(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(kind, [], servers.Specs);
        for (var i = 0; i < 3; i++)
            Assert.Equal("s0", await LoopbackClient.AskAsync(balancer.Listen.Endpoint));

        // Counters are added when a connection ends, which the balancer notices just after the client does.
        var reply = await Eventually.ValueAsync(() => balancer.AskAsync("recent"), r => r.Contains("sx 9", StringComparison.Ordinal));

        Assert.Equal("127.0.0.1 connects 3 sx 9 rx 0\n", reply);
    }

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task ConnectionAndClose_ShowAndEndAnOpenConnection(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(1, holdOpen: true);
        using var balancer = await ControlledBalancer.StartAsync(kind, [], servers.Specs);
        using var held = new HeldConnections();
        Assert.Equal("s0", await held.OpenAsync(balancer.Listen.Endpoint));

        var shown = await balancer.AskAsync("connection 0");
        var closing = await balancer.AskAsync("close 0");

        Assert.Matches(@"^Connection 0:\nstate = 2\ndownfd = \d+, upfd = \d+\nclient = 0, server = 0\npend = 0\n$", shown);
        Assert.Equal("Forcibly closing connection 0\n", closing);
        Assert.True(await LoopbackClient.IsClosedWithinAsync(held.Sockets[0], Penctl.Timeout));
    }
}
