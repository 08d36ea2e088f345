namespace Quill.Core.Proxy;

/// <summary>What a v2 header tells the server about the TLS connection quill terminated.</summary>
/// <param name="Version">The protocol as OpenSSL names it ("TLSv1.3"), for PP2_SUBTYPE_SSL_VERSION.</param>
/// <param name="Cipher">The negotiated suite, for PP2_SUBTYPE_SSL_CIPHER.</param>
/// <param name="ServerName">The name the client asked for (SNI), for PP2_TYPE_AUTHORITY; null when none.</param>
/// <param name="ClientCertificate">The client presented a certificate (which -R had verified).</param>
public sealed record ProxyTlsDetails(string Version, string Cipher, string? ServerName, bool ClientCertificate);
