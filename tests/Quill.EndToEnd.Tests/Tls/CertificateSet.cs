namespace Quill.EndToEnd.Tests.Tls;

/// <summary>
/// Made with openssl when the test runs: a CA, a server certificate for localhost and 127.0.0.1 signed by it, a client
/// certificate signed by it, and a second CA's client certificate that quill must refuse.
/// </summary>
internal sealed class CertificateSet : IDisposable
{
    private CertificateSet(string directory) => Directory = directory;

    public string Directory { get; }
    public string CaCertificate => File("ca.crt");
    public string ServerCertificate => File("server.crt");
    public string ServerKey => File("server.key");
    public string ClientCertificate => File("client.crt");
    public string ClientKey => File("client.key");
    public string StrangerCertificate => File("stranger.crt");
    public string StrangerKey => File("stranger.key");
    /// <summary>For ssl_sni_path: one.test.crt/.key and two.test.crt/.key.</summary>
    public string SniDirectory => File("sni");

    public string File(string name) => Path.Combine(Directory, name);

    public static async Task<CertificateSet> CreateAsync()
    {
        var set = new CertificateSet(System.IO.Directory.CreateTempSubdirectory("quill-e2e-tls-").FullName);
        try
        {
            await set.SelfSignedAsync("ca", "/CN=Quill E2E CA");
            await set.SelfSignedAsync("other-ca", "/CN=Another CA");
            await set.IssueAsync("server", "/CN=localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
            await set.IssueAsync("client", "/CN=client", "ca", "extendedKeyUsage=clientAuth");
            await set.IssueAsync("stranger", "/CN=stranger", "other-ca", "extendedKeyUsage=clientAuth");
            System.IO.Directory.CreateDirectory(set.File("sni"));
            foreach (var name in new[] { "one.test", "two.test" })
                await set.IssueAsync(Path.Combine("sni", name), $"/CN={name}", "ca", $"subjectAltName=DNS:{name}\nextendedKeyUsage=serverAuth");
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    private async Task SelfSignedAsync(string name, string subject) => await CheckAsync(OpenSsl.RunAsync(null,
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject,
        "-keyout", File($"{name}.key"), "-out", File($"{name}.crt")));

    private async Task IssueAsync(string name, string subject, string ca, string extensions)
    {
        await System.IO.File.WriteAllTextAsync(File($"{name}.ext"), extensions + "\n");
        await CheckAsync(OpenSsl.RunAsync(null, "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject,
            "-keyout", File($"{name}.key"), "-out", File($"{name}.csr")));
        await CheckAsync(OpenSsl.RunAsync(null, "x509", "-req", "-in", File($"{name}.csr"), "-CA", File($"{ca}.crt"),
            "-CAkey", File($"{ca}.key"), "-CAcreateserial", "-days", "2", "-extfile", File($"{name}.ext"), "-out", File($"{name}.crt")));
    }

    private static async Task CheckAsync(Task<(int ExitCode, string Output)> run)
    {
        var (exit, output) = await run;
        if (exit != 0) throw new InvalidOperationException($"openssl failed: {output}");
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
