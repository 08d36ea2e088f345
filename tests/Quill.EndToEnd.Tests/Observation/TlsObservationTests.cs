using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Http;
using Quill.EndToEnd.Tests.Security;
using Quill.EndToEnd.Tests.Tls;

namespace Quill.EndToEnd.Tests.Observation;

/// <summary>-E clients as watched: the JSON access log's TLS version and SNI name (read with jq) and the handshake metrics.</summary>
public sealed class TlsObservationTests(CertificateFixture fixture) : IClassFixture<CertificateFixture>
{
    [ToolFact("/usr/bin/jq")]
    public async Task TlsClients_JsonLogHasVersionAndServerName_MetricsCountHandshakes()
    {
        var certificates = fixture.Set;
        using var nginx = await NginxFixture.StartAsync("over tls");
        using var directory = new TempDirectory();
        var log = directory.File("access.log");
        using var quill = await ObservedBalancer.StartAsync(
            ["-E", certificates.ServerCertificate, "-K", certificates.ServerKey, "-o", "log_format json", "-l", log], [.. nginx.Specs]);
        var port = quill.Listen.Port;

        // Two connections: TLS 1.2 asking for one.test, TLS 1.3 asking for localhost.
        Assert.Contains("over tls", await CurlCommand.RunAsync("--insecure", "--tlsv1.2", "--tls-max", "1.2",
            "--resolve", $"one.test:{port}:127.0.0.1", $"https://one.test:{port}/"), StringComparison.Ordinal);
        Assert.Contains("over tls", await CurlCommand.RunAsync("--cacert", certificates.CaCertificate, "--tlsv1.3",
            $"https://localhost:{port}/"), StringComparison.Ordinal);
        await Eventually.LinesAsync(log, 2);

        var jq = await ObservedBalancer.RunAsync("/usr/bin/jq", ["-r", "[.tls_version, .tls_sni, .close, (.bytes_to_server > 0), (.bytes_to_client > 0)] | @tsv", log]);
        Assert.True(jq.ExitCode == 0, jq.Stderr);
        Assert.Equal(["TLSv1.2\tone.test\tclosed\ttrue\ttrue", "TLSv1.3\tlocalhost\tclosed\ttrue\ttrue"],
            jq.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The two handshakes are counted, and one that never was (plain text sent to the TLS port) by its reason.
        using (var plain = await LoopbackClient.ConnectAsync(quill.Listen))
        {
            await plain.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            await LoopbackClient.ReadToEndAsync(plain);
        }
        var metrics = await Eventually.ValueAsync(async () => (await quill.GetAsync("/metrics")).Body,
            m => m.Contains("\nquill_tls_handshake_failures_total{", StringComparison.Ordinal));
        Assert.Contains("\nquill_tls_handshakes_total 2\n", metrics, StringComparison.Ordinal);
        Assert.Matches(@"\nquill_tls_handshake_failures_total\{reason=""[a-z]+""\} 1\n", metrics);
    }
}
