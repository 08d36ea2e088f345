using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Quill.Net.Tls;

namespace Quill.Net.Tests.Tls;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SharedSslContextTests
{
    private const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    [Fact]
    public async Task DefaultSuites_ContextIsShared_AndStillRefusesWhatTheyLeaveOut()
    {
        using var certificates = new TestCertificates();
        using var certificate = X509Certificate2.CreateFromPemFile(certificates.CertificateFile, certificates.KeyFile);
        var context = SslStreamCertificateContext.Create(certificate, null, offline: true);

        // Fails first if a runtime stops caching the context or moves the handle: then each TLS client holds an SSL_CTX again.
        Assert.True(SharedSslContext.TryPrepare(context, Protocols, OpenSslCipherList.Intermediate));

        // Handshakes without a policy use the shared context: an intermediate suite is taken, a CBC one (OpenSSL's
        // default list has them) is refused.
        var server = () => new SslServerAuthenticationOptions { ServerCertificateContext = context, EnabledSslProtocols = Protocols };
        using (var pair = await TlsPair.HandshakeAsync(server(), Tls12Client(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                   TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)))
        {
            Assert.Equal(SslProtocols.Tls12, pair.Server.SslProtocol);
        }
        await Assert.ThrowsAnyAsync<Exception>(() => TlsPair.HandshakeAsync(server(), Tls12Client(
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA)));
    }

    [Fact]
    public void Tls13OnlySuites_KeepThePolicy()
    {
        using var certificates = new TestCertificates();
        using var certificate = X509Certificate2.CreateFromPemFile(certificates.CertificateFile, certificates.KeyFile);
        var context = SslStreamCertificateContext.Create(certificate, null, offline: true);

        Assert.False(SharedSslContext.TryPrepare(context, Protocols, "TLS_AES_128_GCM_SHA256"));
    }

    private static SslClientAuthenticationOptions Tls12Client(params TlsCipherSuite[] suites) => new()
    {
        EnabledSslProtocols = SslProtocols.Tls12,
        CipherSuitesPolicy = new CipherSuitesPolicy(suites),
    };
}
