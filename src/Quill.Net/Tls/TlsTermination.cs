using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Quill.Core.Configuration;
using Quill.Core.Tls;

namespace Quill.Net.Tls;

/// <summary>
/// The server side of TLS as the operator configured it: the certificate and key (PEM), the protocol versions, and,
/// with -R, the check that clients present a certificate chaining to the -G / -A CAs (the system's when neither), and
/// the OCSP response stapled for the certificate (ssl_ocsp_response, which unlike the rest may change while running).
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
    private readonly HashSet<TlsCipherSuite>? _offered;
    private readonly bool _sharedContext;
    private readonly OcspStaple? _staple;
    private readonly Func<string?> _ocspResponseFile;

    private TlsTermination(SslStreamCertificateContext certificate, SslProtocols protocols, bool requireClientCertificate,
        X509Certificate2Collection trusted, SniCertificates? sni, CipherSuitesPolicy? ciphers, bool sharedContext, OcspStaple? staple,
        Func<string?> ocspResponseFile)
    {
        _ciphers = ciphers;
        _offered = OperatingSystem.IsWindows() ? null : ciphers?.AllowedCipherSuites.ToHashSet();
        _sharedContext = sharedContext;
        _staple = staple;
        _ocspResponseFile = ocspResponseFile;
        _certificate = certificate;
        _protocols = protocols;
        _requireClientCertificate = requireClientCertificate;
        _trusted = trusted;
        _sni = sni;
    }

    /// <summary>Reads the files named in the options.</summary>
    /// <param name="ocspResponseFile">ssl_ocsp_response as it is now; asked before each handshake.</param>
    /// <param name="debug">Told about OCSP response files, once per change (-d).</param>
    /// <exception cref="ArgumentException">A file that cannot be read or holds no usable certificate or key; the
    /// message is one line naming it.</exception>
    public static TlsTermination Load(TlsOptions options, Func<string?>? ocspResponseFile = null, TimeProvider? time = null,
        Action<string>? debug = null)
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
        time ??= TimeProvider.System;
        var context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        var staple = OcspStapling.TryPrepare(context) ? new OcspStaple(context, time, debug, missingIsNormal: false) : null;
        if (staple is null && options.SniDirectory is not null) debug?.Invoke($"ssl_sni_path: .ocsp files are not stapled: {OcspStapling.Unavailable}");
        var ciphers = CipherPolicy(options.Ciphers);
        // Client certificates are asked for per connection, but the shared context is made without: it is not shared then.
        var shared = ciphers is not null && !options.RequireClientCertificate
            && SharedSslContext.TryPrepare(context, protocols, options.Ciphers ?? OpenSslCipherList.Intermediate);
        return new TlsTermination(
            context, protocols, options.RequireClientCertificate, LoadTrusted(options),
            options.SniDirectory is { } sni ? new SniCertificates(sni, time, debug) : null, ciphers, shared,
            staple, ocspResponseFile ?? (() => null));
    }

    /// <summary>
    /// Whether a handshake's suite is one quill offers. Handshakes on the shared SSL_CTX (<see cref="SharedSslContext"/>)
    /// rely on the suites set on a context .NET owns; should .NET ever replace it with one of its own making, this
    /// refuses what that context would let through instead of serving it.
    /// </summary>
    internal bool Offers(TlsCipherSuite suite) => _offered is null || _offered.Contains(suite);

    /// <summary>Protocol versions offered to clients.</summary>
    public SslProtocols Protocols => _protocols;

    /// <summary>The options for one handshake, from the server name the client asked for (SNI).</summary>
    internal SslServerAuthenticationOptions ServerOptions(string? serverName = null)
    {
        var named = _sni?.Find(serverName);
        if (named is null) _staple?.Refresh(_ocspResponseFile());
        var trusted = named is { Trusted.Count: > 0 } ? named.Trusted : _trusted;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = named?.Context ?? _certificate,
            EnabledSslProtocols = _protocols,
            // The default certificate's shared SSL_CTX has the suites already (SharedSslContext); SNI ones take the policy.
            CipherSuitesPolicy = named is null && _sharedContext ? null : _ciphers,
            ClientCertificateRequired = _requireClientCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = _requireClientCertificate
                ? (_, certificate, chain, errors) => ValidateClient(certificate, chain, errors, trusted)
                : null,
        };
    }

    /// <summary>ssl_ciphers, already checked by the command; without it, <see cref="OpenSslCipherList.Intermediate"/>
    /// (Windows, where a program cannot choose suites, keeps the system's).</summary>
    private static CipherSuitesPolicy? CipherPolicy(string? list)
    {
        if (OperatingSystem.IsWindows())
        {
            if (list is null) return null;
            throw new ArgumentException("ssl_ciphers: Windows does not let a program choose TLS cipher suites");
        }
        list ??= OpenSslCipherList.Intermediate;
        if (!OpenSslCipherList.TryExpand(list, out var suites, out var error)) throw new ArgumentException($"ssl_ciphers: {error}");
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
