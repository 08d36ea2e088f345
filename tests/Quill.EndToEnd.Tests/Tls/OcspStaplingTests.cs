using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Tls;

/// <summary>ssl_ocsp_response and ssl_sni_path's <c>name.ocsp</c>: real OCSP responses from <c>openssl ocsp</c>,
/// stapled by quill and read by <c>openssl s_client -status</c>.</summary>
public sealed partial class OcspStaplingTests(CertificateFixture fixture) : IClassFixture<CertificateFixture>, IDisposable
{
    private readonly TempDirectory _files = new();
    private readonly NamedBackend _backend = NamedBackend.OnLoopback("web", holdOpen: true);

    private CertificateSet Certificates => fixture.Set;

    private string[] TlsOptions => ["-d", "-E", Certificates.ServerCertificate, "-K", Certificates.ServerKey];

    private async Task<(BalancerProcess Balancer, int Port)> StartAsync(params string[] extra)
    {
        var port = FreePorts.Next();
        var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(port), [.. TlsOptions, .. extra], _backend.Spec);
        return (balancer, port);
    }

    private async Task<string> ResponseAsync(string name, string certificate, bool revoked)
    {
        var path = _files.File(name);
        await OcspResponses.WriteAsync(Certificates, certificate, revoked, path);
        return path;
    }

    /// <summary>What s_client saw stapled: "good" or "revoked" from a successful response, "none" when nothing was
    /// sent, else its whole output (so a failed assertion shows it).</summary>
    private static async Task<string> StapledAsync(int port, string serverName = "localhost")
    {
        var (_, output) = await OpenSsl.RunAsync("", "s_client", "-status", "-connect", $"127.0.0.1:{port}", "-servername", serverName);
        if (output.Contains("OCSP response: no response sent", StringComparison.Ordinal)) return "none";
        var status = CertStatus().Match(output);
        return output.Contains("OCSP Response Status: successful", StringComparison.Ordinal) && status.Success ? status.Groups[1].Value : output;
    }

    /// <summary>Handshakes until s_client sees <paramref name="expected"/> (quill looks at a file once a second).</summary>
    private static Task<string> EventuallyStapledAsync(int port, string expected, string serverName = "localhost") =>
        Eventually.ValueAsync(() => StapledAsync(port, serverName), seen => seen == expected);

    [GeneratedRegex(@"Cert Status: (\w+)")]
    private static partial Regex CertStatus();

    [Fact]
    public async Task ResponseFile_IsStapled()
    {
        var response = await ResponseAsync("good.der", Certificates.ServerCertificate, revoked: false);
        var (balancer, port) = await StartAsync("-o", $"ssl_ocsp_response {response}");
        using var _ = balancer;

        Assert.Equal("good", await StapledAsync(port));
        Assert.Contains($"OCSP response '{response}' stapled", balancer.StandardError);
    }

    [Fact]
    public async Task WithoutTheSetting_NothingIsStapled()
    {
        var (balancer, port) = await StartAsync();
        using var _ = balancer;

        Assert.Equal("none", await StapledAsync(port));
    }

    [Fact]
    public async Task ReplacedOrRemovedFile_IsSeenByTheNextHandshakes()
    {
        var path = _files.File("current.der");
        File.Copy(await ResponseAsync("good.der", Certificates.ServerCertificate, revoked: false), path);
        var revoked = await ResponseAsync("revoked.der", Certificates.ServerCertificate, revoked: true);
        var (balancer, port) = await StartAsync("-o", $"ssl_ocsp_response {path}");
        using var _ = balancer;
        Assert.Equal("good", await StapledAsync(port));

        File.Copy(revoked, path + ".new");
        File.Move(path + ".new", path, overwrite: true);
        Assert.Equal("revoked", await EventuallyStapledAsync(port, "revoked"));

        File.Delete(path);
        Assert.Equal("none", await EventuallyStapledAsync(port, "none"));
        Assert.Contains($"OCSP response '{path}' not found: nothing stapled", balancer.StandardError);
        Assert.False(balancer.HasExited);
    }

    [Fact]
    public async Task ControlPort_SetsAndClearsTheResponseWhileRunning()
    {
        var response = await ResponseAsync("good.der", Certificates.ServerCertificate, revoked: false);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, TlsOptions, _backend.Spec);
        var port = ((System.Net.IPEndPoint)balancer.Listen.Endpoint).Port;
        Assert.Equal("none", await StapledAsync(port));

        Assert.Equal("", await balancer.AskAsync($"ssl_ocsp_response {response}"));
        Assert.Equal("good", await StapledAsync(port));

        Assert.Equal("", await balancer.AskAsync("ssl_ocsp_response"));
        Assert.Equal("none", await StapledAsync(port));
    }

    [Fact]
    public async Task SniPath_EachNameStaplesItsOwnFile()
    {
        var sni = Directory.CreateDirectory(_files.File("sni")).FullName;
        foreach (var name in new[] { "one.test", "two.test" })
        {
            foreach (var extension in new[] { ".crt", ".key" })
                File.Copy(Path.Combine(Certificates.SniDirectory, name + extension), Path.Combine(sni, name + extension));
        }
        await OcspResponses.WriteAsync(Certificates, Path.Combine(sni, "one.test.crt"), revoked: false, Path.Combine(sni, "one.test.ocsp"));
        var defaultResponse = await ResponseAsync("default.der", Certificates.ServerCertificate, revoked: false);
        var (balancer, port) = await StartAsync("-o", $"ssl_sni_path {sni}", "-o", $"ssl_ocsp_response {defaultResponse}");
        using var _ = balancer;

        Assert.Equal("good", await StapledAsync(port, "one.test"));
        Assert.Equal("none", await StapledAsync(port, "two.test"));
        Assert.Equal("good", await StapledAsync(port, "localhost"));

        var two = Path.Combine(sni, "two.test.ocsp");
        await OcspResponses.WriteAsync(Certificates, Path.Combine(sni, "two.test.crt"), revoked: true, two + ".new");
        File.Move(two + ".new", two);
        Assert.Equal("revoked", await EventuallyStapledAsync(port, "revoked", "two.test"));
    }

    public void Dispose()
    {
        _backend.Dispose();
        _files.Dispose();
    }
}
