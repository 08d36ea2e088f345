using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Http;
using Quill.EndToEnd.Tests.Security;
using Quill.EndToEnd.Tests.Tls;

namespace Quill.EndToEnd.Tests.Proxy;

/// <summary>
/// <c>proxy v1|v2</c> and <c>server N proxy</c>: a real nginx behind quill with <c>listen ... proxy_protocol</c> logs
/// the client's address, plain and through quill's TLS termination; a recording backend shows the exact header,
/// once per server connection, failover included, and the TLS fields of v2.
/// </summary>
public sealed class ProxyToServerTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    [Theory]
    [InlineData("proxy v1", false)]
    [InlineData("proxy v2", false)]
    [InlineData("server 0 proxy v1", true)]
    [InlineData("server 0 proxy v2", true)]
    public async Task Nginx_WithProxyProtocolListener_LogsTheClientsAddress(string command, bool tls)
    {
        using var nginx = await ProxyProtocolNginx.StartAsync();
        var port = FreePorts.Next();
        string[] options = tls
            ? ["-o", command, "-E", certificates.Set.ServerCertificate, "-K", certificates.Set.ServerKey]
            : ["-o", command];
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(port), options, nginx.Spec);

        var url = tls ? $"https://localhost:{port}/" : $"http://127.0.0.1:{port}/";
        var output = await CurlCommand.RunAsync("--cacert", certificates.Set.CaCertificate, "--resolve", $"localhost:{port}:127.0.0.1",
            "--interface", "127.0.0.5", url, url);

        Assert.Equal("nginx\nnginx\n", output);
        var logged = await nginx.LoggedAsync(2);
        Assert.Equal(2, logged.Length);
        Assert.All(logged, line => Assert.Equal(("127.0.0.5", "127.0.0.1", "GET / HTTP/1.1"), (line[0], line[1], line[2])));
    }

    [Fact]
    public async Task ProxyOff_NginxRefusesTheConnection_SoTheHeaderIsWhatMadeItWork()
    {
        using var nginx = await ProxyProtocolNginx.StartAsync();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-o", "proxy v2", "-o", "server 0 proxy off"], nginx.Spec);

        await Assert.ThrowsAsync<InvalidOperationException>(() => CurlCommand.RunAsync($"http://{listen.Endpoint}/"));
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task Failover_ServerZeroRefuses_ServerOneGetsExactlyOneHeaderThenTheClientsBytes(string version)
    {
        using var backend = new RecordingBackend();
        var refusing = FreePorts.Next();
        var port = FreePorts.Next();
        // prio: server 0 (prio 0) is chosen first and refuses; the failover goes to server 1 on a new socket.
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(port),
            ["-o", "prio", "-o", $"proxy {version}"], $"127.0.0.1:{refusing}:0:0:1:0", $"{backend.Spec}:0:0:1:1");

        using var client = await LoopbackClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), IPAddress.Parse("127.0.0.6"));
        var clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
        await client.SendAsync("payload"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        var received = Encoding.Latin1.GetBytes(backend.NextReceived(TimeSpan.FromSeconds(15)));

        var header = version == "v1"
            ? Encoding.ASCII.GetBytes($"PROXY TCP4 127.0.0.6 127.0.0.1 {clientPort} {port}\r\n")
            : [.. V2Signature, 0x21, 0x11, 0, 12, 127, 0, 0, 6, 127, 0, 0, 1, (byte)(clientPort >> 8), (byte)clientPort, (byte)(port >> 8), (byte)port];
        Assert.Equal([.. header, .. "payload"u8.ToArray()], received);
        Assert.Contains("blacklisting server 0", balancer.StandardError);
    }

    [Fact]
    public async Task V2ThroughTlsTermination_CarriesTlsVersionCipherAndSni()
    {
        using var backend = new RecordingBackend();
        var port = FreePorts.Next();
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(port),
            ["-o", "proxy v2", "-E", certificates.Set.ServerCertificate, "-K", certificates.Set.ServerKey, "-L", "tls1.3"], backend.Spec);

        using var socket = await LoopbackClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), IPAddress.Parse("127.0.0.8"));
        await using (var ssl = new SslStream(new NetworkStream(socket), leaveInnerStreamOpen: true, (_, _, _, _) => true))
        {
            await ssl.AuthenticateAsClientAsync("localhost");
            await ssl.WriteAsync("hello"u8.ToArray());
            await ssl.ShutdownAsync();
        }
        socket.Shutdown(SocketShutdown.Send);
        var received = backend.NextReceived(TimeSpan.FromSeconds(15));

        Assert.StartsWith(Encoding.Latin1.GetString(V2Signature) + "\x21\x11", received);
        Assert.Contains("TLSv1.3", received);
        Assert.Contains("TLS_AES_", received);
        Assert.Contains("\x02\x00\x09localhost", received);
        Assert.EndsWith("hello", received);
        Assert.Single(received.Split(Encoding.Latin1.GetString(V2Signature)).Skip(1));
    }
}
