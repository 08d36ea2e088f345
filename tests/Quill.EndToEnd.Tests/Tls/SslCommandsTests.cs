using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Http;

namespace Quill.EndToEnd.Tests.Tls;

/// <summary>ssl_ciphers, ssl_option and renegotiation, set with -o at start, seen by openssl s_client (the default
/// configuration is scanned in Security/TlsScanTests).</summary>
public sealed class SslCommandsTests(CertificateFixture fixture) : IClassFixture<CertificateFixture>
{
    private static readonly string[] Backend = ["web"];

    private async Task<(RecordingNginx Nginx, BalancerProcess Balancer, int Port)> StartAsync(params string[] extra)
    {
        var certificates = fixture.Set;
        var nginx = await RecordingNginx.StartAsync(Backend);
        var port = FreePorts.Next();
        try
        {
            var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(port),
                ["-E", certificates.ServerCertificate, "-K", certificates.ServerKey, .. extra], [.. nginx.Specs]);
            return (nginx, balancer, port);
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
    }

    private static Task<(int ExitCode, string Output)> ClientAsync(int port, params string[] arguments) =>
        OpenSsl.RunAsync("GET / HTTP/1.0\r\n\r\n", ["s_client", "-connect", $"127.0.0.1:{port}", "-ign_eof", .. arguments]);

    [Fact]
    public async Task SslCiphers_OnlyTheListedTls12SuiteIsNegotiated()
    {
        var (nginx, balancer, port) = await StartAsync("-o", "ssl_ciphers ECDHE-RSA-AES256-GCM-SHA384");
        using var _ = nginx;
        using var __ = balancer;

        var (listedExit, listed) = await ClientAsync(port, "-tls1_2");
        var (otherExit, other) = await ClientAsync(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256");

        Assert.Equal(0, listedExit);
        Assert.Contains("Cipher is ECDHE-RSA-AES256-GCM-SHA384", listed);
        Assert.Contains("\nweb", listed);
        Assert.NotEqual(0, otherExit);
        Assert.Contains("alert handshake failure", other);
    }

    /// <summary>OpenSSL parses the string: its keywords reach suites quill has no table for (Camellia here).</summary>
    [Fact]
    public async Task SslCiphers_OpenSslKeywords_ChooseWhatOpenSslChooses()
    {
        var (nginx, balancer, port) = await StartAsync("-o", "ssl_ciphers ECDHE+CAMELLIA256:ECDHE+AESGCM:!AES128");
        using var _ = nginx;
        using var __ = balancer;

        var (camelliaExit, camellia) = await ClientAsync(port, "-tls1_2", "-cipher", "ECDHE-RSA-CAMELLIA256-SHA384");
        var (gcmExit, gcm) = await ClientAsync(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384");
        var (excludedExit, excluded) = await ClientAsync(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256");

        Assert.Equal(0, camelliaExit);
        Assert.Contains("Cipher is ECDHE-RSA-CAMELLIA256-SHA384", camellia);
        Assert.Equal(0, gcmExit);
        Assert.Contains("Cipher is ECDHE-RSA-AES256-GCM-SHA384", gcm);
        Assert.NotEqual(0, excludedExit);
        Assert.Contains("alert handshake failure", excluded);
    }

    [Fact]
    public async Task SslCiphers_StringOpenSslRefuses_StopsTheStartWithOneLine()
    {
        var certificates = fixture.Set;
        using var quill = BalancerProcess.Launch(BalancerKind.Quill,
            ["-f", "-E", certificates.ServerCertificate, "-K", certificates.ServerKey, "-o", "ssl_ciphers NOPE:!ALL",
                $"127.0.0.1:{FreePorts.Next()}", "127.0.0.1:9"]);

        Assert.NotEqual(0, await quill.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var error = Assert.Single(quill.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("quill: ", error);
        Assert.EndsWith("ssl_ciphers: OpenSSL refuses 'NOPE:!ALL': no cipher match", error);
    }

    [Fact]
    public async Task SslCiphers_StringOpenSslRefuses_ControlPortRepliesWithTheError()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);

        var refused = await Penctl.RunQuillctlAsync(balancer.ControlText, "ssl_ciphers", "NOPE");
        var accepted = await Penctl.RunQuillctlAsync(balancer.ControlText, "ssl_ciphers", "ECDHE+AESGCM");

        Assert.Contains("ssl_ciphers: OpenSSL refuses 'NOPE': no cipher match", refused.Stdout + refused.Stderr);
        Assert.Equal(new Penctl.Result(0, "", ""), accepted);
    }

    [Fact]
    public async Task CipherServerPreference_TheListOrderWinsOverTheClients()
    {
        var (nginx, balancer, port) = await StartAsync(
            "-o", "ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384", "-o", "ssl_option cipher_server_preference");
        using var _ = nginx;
        using var __ = balancer;

        var (exit, output) = await ClientAsync(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256");

        Assert.Equal(0, exit);
        Assert.Contains("Cipher is ECDHE-RSA-AES128-GCM-SHA256", output);
    }

    [Fact]
    public async Task SslCiphers_Tls13NameLimitsTls13()
    {
        var (nginx, balancer, port) = await StartAsync("-o", "ssl_ciphers TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256");
        using var _ = nginx;
        using var __ = balancer;

        var (listedExit, listed) = await ClientAsync(port, "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256");
        var (otherExit, _) = await ClientAsync(port, "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384");

        Assert.Equal(0, listedExit);
        Assert.Contains("Cipher is TLS_AES_128_GCM_SHA256", listed);
        Assert.NotEqual(0, otherExit);
    }

    [Fact]
    public async Task SslOptionNoTls12_RefusesTls12AndKeepsTls13()
    {
        var (nginx, balancer, port) = await StartAsync("-o", "ssl_option no_tlsv1.2");
        using var _ = nginx;
        using var __ = balancer;

        var (exit12, output12) = await ClientAsync(port, "-tls1_2");
        var (exit13, output13) = await ClientAsync(port, "-tls1_3");

        Assert.NotEqual(0, exit12);
        Assert.Contains("alert protocol version", output12);
        Assert.Equal(0, exit13);
        Assert.Contains("\nweb", output13);
    }

    [Fact]
    public async Task ClientRenegotiation_ClosesTheConnection()
    {
        var (nginx, balancer, port) = await StartAsync("-o", "ssl_client_renegotiation_interval 1");
        using var _ = nginx;
        using var __ = balancer;

        // s_client's "R" line asks for a renegotiation; stdin stays open, so s_client ends only if quill closes.
        var start = new System.Diagnostics.ProcessStartInfo(OpenSsl.Executable)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{port}", "-tls1_2" }) start.ArgumentList.Add(argument);
        using var client = System.Diagnostics.Process.Start(start)!;
        var output = client.StandardOutput.ReadToEndAsync();
        var error = client.StandardError.ReadToEndAsync();
        await client.StandardInput.WriteAsync("R\n");
        await client.StandardInput.FlushAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var closedByQuill = true;
        try
        {
            await client.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            closedByQuill = false;
            client.Kill();
        }

        Assert.True(closedByQuill, "the connection stayed open after the renegotiation request");
        Assert.Contains("RENEGOTIATING", await output + await error);
    }
}
