using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Http;

namespace Quill.EndToEnd.Tests.Tls;

/// <summary>-E/-K/-R/-L with real curl and openssl s_client in front and nginx behind.</summary>
public sealed class TlsTerminationTests(CertificateFixture fixture) : IClassFixture<CertificateFixture>
{
    private static readonly string[] Backend = ["web"];

    private static async Task<(RecordingNginx Nginx, BalancerProcess Balancer, int Port)> StartAsync(
        CertificateSet certificates, params string[] extra)
    {
        var nginx = await RecordingNginx.StartAsync(Backend);
        var port = FreePorts.Next();
        var listen = ListenAddress.Loopback(port);
        try
        {
            var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen,
                ["-d", "-E", certificates.ServerCertificate, "-K", certificates.ServerKey, .. extra], [.. nginx.Specs]);
            return (nginx, balancer, port);
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task Curl_HttpsWithH_NginxSeesClientAddressAndHttps()
    {
        var certificates = fixture.Set;
        var (nginx, balancer, port) = await StartAsync(certificates, "-H");
        using var _ = nginx;
        using var __ = balancer;

        var output = await CurlCommand.RunAsync("--cacert", certificates.CaCertificate, "--interface", "127.0.0.9",
            $"https://localhost:{port}/a", $"https://localhost:{port}/b");

        var logged = await nginx.RequestsAsync("web", 2);
        Assert.Equal("web\nweb\n", output);
        Assert.All(logged, r => Assert.Equal(("127.0.0.9", "https"), (r.ForwardedFor, r.ForwardedProto)));
    }

    [Fact]
    public async Task SniPath_TwoNamesTwoCertificates_UnknownNameGetsTheDefault()
    {
        var certificates = fixture.Set;
        var (nginx, balancer, port) = await StartAsync(certificates, "-o", $"ssl_sni_path {certificates.SniDirectory}");
        using var _ = nginx;
        using var __ = balancer;

        async Task<string> SubjectAsync(string name)
        {
            var (_, output) = await OpenSsl.RunAsync("", "s_client", "-connect", $"127.0.0.1:{port}", "-servername", name);
            return output.Split('\n').First(line => line.StartsWith("subject=", StringComparison.Ordinal)).Trim();
        }

        Assert.Equal("subject=CN = one.test", await SubjectAsync("one.test"));
        Assert.Equal("subject=CN = two.test", await SubjectAsync("two.test"));
        Assert.Equal("subject=CN = localhost", await SubjectAsync("three.test"));
        var body = await CurlCommand.RunAsync("--cacert", certificates.CaCertificate, "--resolve", $"two.test:{port}:127.0.0.1",
            $"https://two.test:{port}/");
        Assert.Equal("web\n", body);
    }

    [Fact]
    public async Task SniPath_Relative_StillFoundByADaemon_WhichHasLeftItsDirectory()
    {
        var certificates = fixture.Set;
        using var servers = NamedBackends.Start(1);
        var port = FreePorts.Next();
        var listen = ListenAddress.Loopback(port);
        var pidFile = certificates.File($"quill-{port}.pid");

        // No -f: the daemon changes to / once listening, and only then do handshakes read the SNI directory.
        var (exit, _, error) = await Operations.ProcessTests.RunCommandAsync(RepositoryLayout.QuillExecutable, certificates.Directory,
            ["-p", pidFile, "-E", certificates.ServerCertificate, "-K", certificates.ServerKey,
             "-o", $"ssl_sni_path {Path.GetFileName(certificates.SniDirectory)}", listen.Argument, .. servers.Specs]);
        Assert.True(exit == 0, error);
        var pid = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var (_, output) = await OpenSsl.RunAsync("", "s_client", "-connect", listen.Argument, "-servername", "two.test");

            Assert.Contains("subject=CN = two.test", output);
        }
        finally
        {
            PosixNative.SendSignal(pid, PosixNative.SigTerm);
        }
    }

    [Theory]
    [InlineData("-tls1_2", true)]
    [InlineData("-tls1_3", true)]
    [InlineData("-tls1_1", false)]
    [InlineData("-tls1", false)]
    public async Task OpenSslClient_OnlyTls12AndUpAreAccepted(string version, bool accepted)
    {
        var certificates = fixture.Set;
        var (nginx, balancer, port) = await StartAsync(certificates);
        using var _ = nginx;
        using var __ = balancer;

        // Security level 0 lets the client offer old versions, so a refusal comes from quill, not from the client.
        var (exit, output) = await OpenSsl.RunAsync("GET / HTTP/1.0\r\n\r\n", "s_client", "-connect", $"127.0.0.1:{port}",
            "-servername", "localhost", "-CAfile", certificates.CaCertificate, "-cipher", "DEFAULT@SECLEVEL=0", version, "-ign_eof");

        if (accepted)
        {
            Assert.Equal(0, exit);
            Assert.Contains("Verify return code: 0 (ok)", output);
            Assert.Contains("\nweb", output);
        }
        else
        {
            Assert.NotEqual(0, exit);
            Assert.Contains("alert protocol version", output);
        }
    }

    [Fact]
    public async Task LtoTls13_Tls12ClientIsRefused()
    {
        var certificates = fixture.Set;
        var (nginx, balancer, port) = await StartAsync(certificates, "-L", "tls1.3");
        using var _ = nginx;
        using var __ = balancer;

        var (exit, output) = await OpenSsl.RunAsync("", "s_client", "-connect", $"127.0.0.1:{port}", "-tls1_2");

        Assert.NotEqual(0, exit);
        Assert.Contains("alert protocol version", output);
    }

    [Fact]
    public async Task RequireClientCertificate_OnlyClientsWithACertificateFromTheCaGetThrough()
    {
        var certificates = fixture.Set;
        var (nginx, balancer, port) = await StartAsync(certificates, "-R", "-G", certificates.CaCertificate);
        using var _ = nginx;
        using var __ = balancer;
        var url = $"https://localhost:{port}/";

        var withCertificate = await CurlCommand.RunAsync("--cacert", certificates.CaCertificate,
            "--cert", certificates.ClientCertificate, "--key", certificates.ClientKey, url);
        var without = await Record.ExceptionAsync(() => CurlCommand.RunAsync("--cacert", certificates.CaCertificate, url));
        var stranger = await Record.ExceptionAsync(() => CurlCommand.RunAsync("--cacert", certificates.CaCertificate,
            "--cert", certificates.StrangerCertificate, "--key", certificates.StrangerKey, url));

        Assert.Equal("web\n", withCertificate);
        Assert.NotNull(without);
        Assert.NotNull(stranger);
        Assert.Single(await nginx.RequestsAsync("web", 1));
        Assert.False(balancer.HasExited);
    }

    [Fact]
    public async Task FailedHandshake_ClosesOnlyThatClient()
    {
        var certificates = fixture.Set;
        var (nginx, balancer, port) = await StartAsync(certificates);
        using var _ = nginx;
        using var __ = balancer;
        using var plain = await LoopbackClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        using var idle = await LoopbackClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));

        await plain.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Assert.True(await LoopbackClient.IsClosedWithinAsync(plain, TimeSpan.FromSeconds(5)));
        var output = await CurlCommand.RunAsync("--cacert", certificates.CaCertificate, $"https://localhost:{port}/");

        Assert.Equal("web\n", output);
        Assert.False(await LoopbackClient.IsClosedWithinAsync(idle, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("TLS handshake with client 127.0.0.1:", balancer.StandardError);
    }

    [Theory]
    [InlineData("ssl3", "SSLv2 and SSLv3 are insecure and not supported")]
    [InlineData("ssl2", "SSLv2 and SSLv3 are insecure and not supported")]
    public async Task OldProtocolAsked_QuillRefusesToStart(string protocol, string message)
    {
        var certificates = fixture.Set;
        using var balancer = BalancerProcess.Launch(BalancerKind.Quill,
            ["-f", "-E", certificates.ServerCertificate, "-L", protocol, $"127.0.0.1:{FreePorts.Next()}", "127.0.0.1:1"]);

        // A command-line error, like every other refused option.
        Assert.Equal(2, await balancer.WaitForExitAsync());
        Assert.Contains(message, balancer.StandardError);
    }

    [Fact]
    public async Task KeyThatDoesNotMatch_QuillRefusesToStartNamingTheFiles()
    {
        var certificates = fixture.Set;
        using var balancer = BalancerProcess.Launch(BalancerKind.Quill,
            ["-f", "-E", certificates.ServerCertificate, "-K", certificates.ClientKey, $"127.0.0.1:{FreePorts.Next()}", "127.0.0.1:1"]);

        Assert.Equal(1, await balancer.WaitForExitAsync());
        Assert.Contains($"cannot load TLS certificate '{certificates.ServerCertificate}' with key '{certificates.ClientKey}'", balancer.StandardError);
    }
}
