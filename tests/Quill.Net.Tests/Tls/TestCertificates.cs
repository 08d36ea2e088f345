using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Quill.Net.Tests.Tls;

/// <summary>A CA, a server certificate for localhost and a client certificate, made in memory and written as PEM
/// files the way an operator would have them.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TestCertificates()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Quill Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        CaFile = Write("ca.pem", Ca.ExportCertificatePem());

        Server = Issue("CN=localhost", serverAuth: true, out var serverKey);
        CertificateFile = Write("server.pem", Server.ExportCertificatePem());
        KeyFile = Write("server.key", serverKey);
        Client = Issue("CN=client", serverAuth: false, out var clientKey);
        Client = X509Certificate2.CreateFromPem(Client.ExportCertificatePem(), clientKey);
    }

    public string Directory => _directory.Path;
    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    public X509Certificate2 Client { get; }
    public string CaFile { get; }
    public string CertificateFile { get; }
    public string KeyFile { get; }

    public string Write(string name, string text)
    {
        var path = Path.Combine(_directory.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes <c>name.crt</c> and <c>name.key</c> for host <paramref name="name"/> into <paramref name="directory"/>.</summary>
    public X509Certificate2 IssueFiles(string directory, string name)
    {
        var certificate = Issue($"CN={name}", serverAuth: true, out var key, name);
        File.WriteAllText(Path.Combine(directory, name + ".crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, name + ".key"), key);
        return certificate;
    }

    private X509Certificate2 Issue(string subject, bool serverAuth, out string keyPem, string dnsName = "localhost")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(dnsName);
            request.CertificateExtensions.Add(names.Build());
        }
        keyPem = key.ExportPkcs8PrivateKeyPem();
        return request.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
    }

    public void Dispose() => _directory.Dispose();
}
