using System.Text.Json;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Http;
using Quill.EndToEnd.Tests.Operations;
using Quill.EndToEnd.Tests.Tls;

namespace Quill.EndToEnd.Tests.Security;

/// <summary>
/// quill's default TLS (-E with no ssl_* command) as sslscan and testssl.sh see it. The policy: TLS 1.2 and 1.3 only;
/// TLS 1.2 suites with forward secrecy and AEAD only (Mozilla's "intermediate": no CBC, no SHA-1 MAC, no RSA key
/// exchange, nothing below 128 bits, no NULL, EXPORT, RC4, DES, 3DES, MD5 or anonymous suite); no client-initiated
/// renegotiation.
/// </summary>
public sealed class TlsScanTests(CertificateFixture fixture) : IClassFixture<CertificateFixture>
{
    private const string SslScan = "/usr/bin/sslscan";
    private const string TestSsl = "/usr/bin/testssl";
    private static readonly string[] Backend = ["web"];

    private async Task<(RecordingNginx Nginx, BalancerProcess Balancer, int Port)> StartAsync(params string[] extra)
    {
        var nginx = await RecordingNginx.StartAsync(Backend);
        var port = FreePorts.Next();
        try
        {
            var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(port),
                ["-E", fixture.Set.ServerCertificate, "-K", fixture.Set.ServerKey, .. extra], [.. nginx.Specs]);
            return (nginx, balancer, port);
        }
        catch
        {
            nginx.Dispose();
            throw;
        }
    }

    [ToolFact(SslScan)]
    public async Task SslScan_ByDefault_Tls12And13Only_ForwardSecretAeadSuitesOnly()
    {
        var (nginx, balancer, port) = await StartAsync();
        using var _ = nginx;
        using var __ = balancer;

        var (exit, output, error) = await ProcessTests.RunCommandAsync(SslScan, Path.GetTempPath(), ["--no-colour", $"127.0.0.1:{port}"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, error);
        Assert.Matches(@"TLSv1\.2\s+enabled", output);
        Assert.Matches(@"TLSv1\.3\s+enabled", output);
        foreach (var old in new[] { "SSLv2", "SSLv3", @"TLSv1\.0", @"TLSv1\.1" })
            Assert.Matches($@"{old}\s+disabled", output);
        Assert.Contains("Session renegotiation not supported", output);
        var accepted = output.Split('\n').Where(l => l.StartsWith("Accepted", StringComparison.Ordinal) || l.StartsWith("Preferred", StringComparison.Ordinal)).ToList();
        Assert.Contains(accepted, l => l.Contains("TLSv1.2", StringComparison.Ordinal));
        foreach (var line in accepted)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(int.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture) >= 128, line);
            // TLS 1.3 suites are all AEAD; a TLS 1.2 one must be (EC)DHE with GCM or ChaCha20-Poly1305.
            if (words[1] == "TLSv1.2") Assert.Matches("^(ECDHE|DHE)-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$", words[4]);
        }
    }

    [ToolFact(TestSsl)]
    public async Task TestSsl_ByDefault_ProtocolsCipherCategoriesAndRenegotiationAllOk()
    {
        var (nginx, balancer, port) = await StartAsync();
        using var _ = nginx;
        using var __ = balancer;
        using var directory = new TempDirectory();
        var json = directory.File("testssl.json");

        // -p protocols, -s cipher categories, -R renegotiation: the checks of the policy, in about 30 s. No DNS: there is
        // none here, and its time-outs would be most of the run.
        var (exit, output, error) = await ProcessTests.RunCommandAsync(TestSsl, directory.Path,
            ["--quiet", "--color", "0", "--warnings", "off", "--nodns", "none", "-p", "-s", "-R", "--jsonfile", json, $"127.0.0.1:{port}"],
            timeout: TimeSpan.FromSeconds(120));

        Assert.True(exit == 0, output + error);
        var findings = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray()
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => (Severity: f.GetProperty("severity").GetString(), Finding: f.GetProperty("finding").GetString()));
        foreach (var (id, (severity, finding)) in findings)
            Assert.True(severity is "OK" or "INFO", $"{id}: {severity} {finding}");
        foreach (var id in new[] { "SSLv2", "SSLv3", "TLS1", "TLS1_1", "cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT",
                     "cipherlist_LOW", "cipherlist_3DES_IDEA", "cipherlist_AVERAGE" })
            Assert.Equal((id, "not offered"), (id, findings[id].Finding));
        Assert.Equal("offered", findings["TLS1_2"].Finding);
        Assert.StartsWith("offered", findings["TLS1_3"].Finding, StringComparison.Ordinal);
        Assert.Equal("not vulnerable", findings["secure_client_renego"].Finding);
    }

    [Fact]
    public async Task ExplicitSslCiphers_StillOfferWhatTheyName_EvenCbc()
    {
        // pen's ssl_ciphers means what it says: an operator who lists a CBC suite for an old client gets it.
        var (nginx, balancer, port) = await StartAsync("-o", "ssl_ciphers ECDHE-RSA-AES128-SHA");
        using var _ = nginx;
        using var __ = balancer;

        var (exit, output) = await OpenSsl.RunAsync("GET / HTTP/1.0\r\n\r\n",
            "s_client", "-connect", $"127.0.0.1:{port}", "-ign_eof", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA");

        Assert.Equal(0, exit);
        Assert.Contains("Cipher is ECDHE-RSA-AES128-SHA", output);
    }
}
