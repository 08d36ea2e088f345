using System.Diagnostics;
using System.Net;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Connections;

/// <summary>transparent: the server sees the client's address instead of the balancer's (with accept_proxy, the client a front balancer announced).</summary>
public sealed class TransparentTests
{
    private const string Python = "/usr/bin/python3";
    private const int ServerPort = 8000;
    private const int ListenPort = 9000;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    /// <summary>Answers each connection with the peer address it sees; says "ready" once listening.</summary>
    private const string AddressServer = """
        import socket, sys
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((sys.argv[1], int(sys.argv[2]))); s.listen()
        print("ready", flush=True)
        while True:
            c, a = s.accept(); c.sendall((a[0] + "\n").encode()); c.close()
        """;

    /// <summary>Sends its third argument, if any, first: a PROXY header.</summary>
    private const string Client = """
        import socket, sys
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5); s.settimeout(5)
        if len(sys.argv) > 3: s.sendall(sys.argv[3].encode() + b"\r\n")
        print(s.recv(100).decode().strip())
        """;

    /// <summary>A front balancer's client, announced with accept_proxy: transparent connects from it.</summary>
    private const string Announced = "10.77.1.9";

    [NamespaceTheory]
    [InlineData("transparent", TransparentNetwork.ClientAddress)]
    [InlineData("no transparent", TransparentNetwork.BalancerServerSide)]
    [InlineData("transparent", Announced, $"PROXY TCP4 {Announced} {TransparentNetwork.BalancerClientSide} 1000 9000")]
    public async Task Transparent_ServerSeesTheClientsAddress(string command, string seen, string? header = null)
    {
        Assert.True(File.Exists(Python), $"{Python} is needed for the namespace peers");
        using var network = TransparentNetwork.Create();
        using var server = TransparentNetwork.Start(network.Server,
            [Python, "-c", AddressServer, TransparentNetwork.ServerAddress, $"{ServerPort}"]);
        using var balancer = TransparentNetwork.Start(network.Balancer,
            [RepositoryLayout.QuillExecutable, "-f", "-d", "-o", command, .. header is null ? [] : (string[])["-o", "accept_proxy 0"],
             $"{TransparentNetwork.BalancerClientSide}:{ListenPort}",
             $"{TransparentNetwork.ServerAddress}:{ServerPort}"]);
        try
        {
            using var deadline = new CancellationTokenSource(Bounded);
            Assert.Equal("ready", await server.StandardOutput.ReadLineAsync(deadline.Token));
            await WaitForLineAsync(balancer.StandardError, "listening on", deadline.Token);

            using var client = TransparentNetwork.Start(network.Client,
                [Python, "-c", Client, TransparentNetwork.BalancerClientSide, $"{ListenPort}", .. header is null ? [] : (string[])[header]]);
            var answer = await client.StandardOutput.ReadToEndAsync(deadline.Token);
            await client.WaitForExitAsync(deadline.Token);

            Assert.Equal(seen, answer.Trim());
        }
        finally
        {
            Stop(balancer);
            Stop(server);
        }
    }

    /// <summary>No namespaces needed: an IPv6 client cannot be the source of an IPv4 connection; quill says so, as
    /// pen does, and connects from its own address.</summary>
    [Fact]
    public async Task Transparent_Ipv6Client_LogsIncompatibleFamilies_AndIsStillServed()
    {
        using var backend = NamedBackend.OnLoopback("s0");
        var listen = ListenAddress.Ipv6Bracketed(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-o", "transparent"], backend.Spec);

        var reply = await LoopbackClient.AskAsync(listen.Endpoint, IPAddress.IPv6Loopback);

        Assert.Equal("s0", reply);
        Assert.Contains("No transparency for incompatible families", balancer.StandardError);
    }

    private static async Task WaitForLineAsync(StreamReader reader, string text, CancellationToken deadline)
    {
        while (await reader.ReadLineAsync(deadline) is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal)) return;
        }
        throw new InvalidOperationException($"the balancer ended before printing '{text}'");
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(Bounded);
    }
}
