using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Quill.Core.Configuration;
using Quill.Core.Tls;

namespace Quill.Net.Tls;

/// <summary>
/// The server side of TLS as the operator configured it: the certificate and key (PEM), the protocol versions, and,
/// with -R, the check that clients present a certificate chaining to the -G / -A CAs (the system's when neither).
/// </summary>
public sealed class TlsTermination
{
    /// <summary>A client that has not finished its handshake by then is closed, so it cannot hold a slot.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly SslStreamCertificateContext _certificate;
    private readonly SslProtocols _protocols;
    private readonly bool _requireClientCertificate;
    private readonly X509Certificate2Collection _trusted;
    private readonly SniCertificates? _sni;
    private readonly CipherSuitesPolicy? _ciphers;

    private TlsTermination(SslStreamCertificateContext certificate, SslProtocols protocols, bool requireClientCertificate,
        X509Certificate2Collection trusted, SniCertificates? sni, CipherSuitesPolicy? ciphers)
    {
        _ciphers = ciphers;
        _certificate = certificate;
        _protocols = protocols;
        _requireClientCertificate = requireClientCertificate;
        _trusted = trusted;
        _sni = sni;
    }

    /// <summary>Reads the files named in the options.</summary>
    /// <exception cref="ArgumentException">A file that cannot be read or holds no usable certificate or key; the
    /// message is one line naming it.</exception>
    public static TlsTermination Load(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certFile = options.CertificateFile ?? throw new ArgumentException("TLS needs a certificate (-E)");
        var keyFile = options.KeyFile ?? certFile;
        X509Certificate2 certificate;
        var chain = new X509Certificate2Collection();
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            chain.ImportFromPemFile(certFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot load TLS certificate '{certFile}' with key '{keyFile}': {OneLine(e)}");
        }

        // The certificate file may carry the intermediates after the leaf; they are sent with it.
        var intermediates = new X509Certificate2Collection();
        foreach (var extra in chain)
        {
            if (extra.Thumbprint != certificate.Thumbprint) intermediates.Add(extra);
        }

        TlsProtocolOption.TryParse(options.Protocol ?? "tls1", out var protocols, out _);
        protocols = SslOptionWords.Restrict(protocols, options.SslOptions);
        return new TlsTermination(
            SslStreamCertificateContext.Create(certificate, intermediates, offline: true),
            protocols, options.RequireClientCertificate, LoadTrusted(options),
            options.SniDirectory is { } sni ? new SniCertificates(sni) : null, CipherPolicy(options.Ciphers));
    }

    /// <summary>Protocol versions offered to clients.</summary>
    public SslProtocols Protocols => _protocols;

    /// <summary>The options for one handshake, from the server name the client asked for (SNI).</summary>
    internal SslServerAuthenticationOptions ServerOptions(string? serverName = null)
    {
        var named = _sni?.Find(serverName);
        var trusted = named is { Trusted.Count: > 0 } ? named.Trusted : _trusted;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = named?.Context ?? _certificate,
            EnabledSslProtocols = _protocols,
            CipherSuitesPolicy = _ciphers,
            ClientCertificateRequired = _requireClientCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = _requireClientCertificate
                ? (_, certificate, chain, errors) => ValidateClient(certificate, chain, errors, trusted)
                : null,
        };
    }

    /// <summary>ssl_ciphers, already checked by the command; null keeps .NET's (OpenSSL's system) defaults.</summary>
    private static CipherSuitesPolicy? CipherPolicy(string? list)
    {
        if (list is null) return null;
        if (OperatingSystem.IsWindows()) throw new ArgumentException("ssl_ciphers: Windows does not let a program choose TLS cipher suites");
        if (!OpenSslCipherList.TryParse(list, out var suites, out var error)) throw new ArgumentException($"ssl_ciphers: {error}");
        return new CipherSuitesPolicy(suites);
    }

    private static bool ValidateClient(System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (certificate is null) return false;
        if (trusted.Count == 0) return errors == SslPolicyErrors.None;

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainPolicy.ExtraStore) custom.ChainPolicy.ExtraStore.Add(element);
        }
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }

    private static X509Certificate2Collection LoadTrusted(TlsOptions options)
    {
        var trusted = new X509Certificate2Collection();
        try
        {
            if (options.CaFile is { } file) trusted.ImportFromPemFile(file);
            if (options.CaDirectory is { } directory)
            {
                foreach (var path in Directory.EnumerateFiles(directory))
                {
                    try
                    {
                        trusted.ImportFromPemFile(path);
                    }
                    catch (CryptographicException)
                    {
                        // A hashed CA directory also holds CRLs and other files; only certificates count.
                    }
                }
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot load TLS CA certificates '{options.CaFile ?? options.CaDirectory}': {OneLine(e)}");
        }
        return trusted;
    }

    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ").Trim();
}
