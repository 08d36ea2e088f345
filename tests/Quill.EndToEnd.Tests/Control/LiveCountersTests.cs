using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Tls;

namespace Quill.EndToEnd.Tests.Control;

/// <summary>
/// servers shows a connection's bytes while it is open (within a second), as pen does, on every path: plain TCP,
/// -H, and TLS.
/// </summary>
public sealed class LiveCountersTests(CertificateFixture fixture) : IClassFixture<CertificateFixture>
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("hello\n");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Servers_HeldConnection_ShowsItsBytesBeforeItCloses(bool httpHeaders)
    {
        using var backend = new EchoBackend();
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, httpHeaders ? ["-H"] : [], backend.Spec);
        using var client = await LoopbackClient.ConnectAsync(balancer.Listen.Endpoint);
        await using var stream = new NetworkStream(client);

        await AssertCountedWhileOpenAsync(balancer, stream);
    }

    [Fact]
    public async Task Servers_HeldTlsConnection_ShowsItsBytesBeforeItCloses()
    {
        using var backend = new EchoBackend();
        var certificates = fixture.Set;
        using var balancer = await ControlledBalancer.StartAsync(
            BalancerKind.Quill, ["-E", certificates.ServerCertificate, "-K", certificates.ServerKey], backend.Spec);
        using var client = await LoopbackClient.ConnectAsync(balancer.Listen.Endpoint);
        await using var tls = new SslStream(new NetworkStream(client), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");

        await AssertCountedWhileOpenAsync(balancer, tls);
    }

    private static async Task AssertCountedWhileOpenAsync(ControlledBalancer balancer, Stream connection)
    {
        await connection.WriteAsync(Hello);
        var echoed = new byte[Hello.Length];
        await connection.ReadExactlyAsync(echoed).AsTask().WaitAsync(LoopbackClient.OperationTimeout);
        Assert.Equal(Hello, echoed);

        var servers = await Eventually.ValueAsync(() => balancer.AskAsync("servers"), r => r.Contains(" sx 6 rx 6", StringComparison.Ordinal));

        Assert.Contains("conn 1 ", servers, StringComparison.Ordinal);
        Assert.Contains(" sx 6 rx 6", servers, StringComparison.Ordinal);
    }
}
