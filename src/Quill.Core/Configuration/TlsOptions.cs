namespace Quill.Core.Configuration;

/// <summary>What the operator asked for about TLS termination (pen's -E -K -G -A -R -L).</summary>
public sealed record TlsOptions
{
    /// <summary>-E: PEM certificate (chain); TLS is on when it is set.</summary>
    public string? CertificateFile { get; init; }
    /// <summary>-K: PEM private key; defaults to the certificate file, as in pen.</summary>
    public string? KeyFile { get; init; }
    /// <summary>-G: PEM file of CA certificates that client certificates must chain to.</summary>
    public string? CaFile { get; init; }
    /// <summary>-A: directory of CA certificates (PEM files, e.g. the hashed names c_rehash makes).</summary>
    public string? CaDirectory { get; init; }
    /// <summary>-R: clients must present a certificate that chains to the CAs.</summary>
    public bool RequireClientCertificate { get; init; }
    /// <summary>-L: pen's protocol name, already checked by <see cref="TlsProtocolOption"/>; null = TLS 1.2 and 1.3.</summary>
    public string? Protocol { get; init; }

    /// <summary>ssl_sni_path: directory of per-name <c>name.crt</c>, <c>name.key</c> and optional <c>name.ca</c>.</summary>
    public string? SniDirectory { get; init; }

    /// <summary>ssl_ciphers: OpenSSL cipher string, already checked by OpenSSL (<see cref="Control.IBalancerRuntime.CipherListError"/>); null = quill's default, Mozilla's intermediate list.</summary>
    public string? Ciphers { get; init; }

    /// <summary>ssl_option: the no_* words take protocol versions away.</summary>
    public Tls.SslOptions SslOptions { get; init; }

    public bool Enabled => CertificateFile is not null;
}
