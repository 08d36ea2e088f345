using System.Net.Security;
using System.Security.Authentication;
using Quill.Core.Proxy;

namespace Quill.Net.Tls;

/// <summary>The TLS fields of a v2 PROXY header, from a finished handshake.</summary>
internal static class ProxyTls
{
    /// <summary>The version in OpenSSL's words (what haproxy sends); the suite by its IANA name (TLS_AES_128_GCM_SHA256);
    /// the SNI name when the client sent one.</summary>
    public static ProxyTlsDetails Details(SslStream ssl) =>
        new(VersionName(ssl), ssl.NegotiatedCipherSuite.ToString(), ServerName(ssl), ssl.RemoteCertificate is not null);

    /// <summary>The protocol agreed, in OpenSSL's words ("TLSv1.3"), as haproxy and nginx name it in headers and logs.</summary>
    public static string VersionName(SslStream ssl)
    {
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are named only to describe what was negotiated; -L never offers them.
        return ssl.SslProtocol switch
        {
            SslProtocols.Tls13 => "TLSv1.3",
            SslProtocols.Tls12 => "TLSv1.2",
            SslProtocols.Tls11 => "TLSv1.1",
            SslProtocols.Tls => "TLSv1",
            var other => other.ToString(),
        };
#pragma warning restore SYSLIB0039
    }

    /// <summary>The SNI name the client asked for; null when it sent none.</summary>
    public static string? ServerName(SslStream ssl) => string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName;
}
