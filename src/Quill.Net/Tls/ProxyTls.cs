using System.Net.Security;
using System.Security.Authentication;
using Quill.Core.Proxy;

namespace Quill.Net.Tls;

/// <summary>The TLS fields of a v2 PROXY header, from a finished handshake.</summary>
internal static class ProxyTls
{
    /// <summary>The version in OpenSSL's words (what haproxy sends); the suite by its IANA name (TLS_AES_128_GCM_SHA256);
    /// the SNI name when the client sent one.</summary>
    public static ProxyTlsDetails Details(SslStream ssl)
    {
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are named only to describe what was negotiated; -L never offers them.
        var version = ssl.SslProtocol switch
        {
            SslProtocols.Tls13 => "TLSv1.3",
            SslProtocols.Tls12 => "TLSv1.2",
            SslProtocols.Tls11 => "TLSv1.1",
            SslProtocols.Tls => "TLSv1",
            var other => other.ToString(),
        };
#pragma warning restore SYSLIB0039
        var name = string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName;
        return new ProxyTlsDetails(version, ssl.NegotiatedCipherSuite.ToString(), name, ssl.RemoteCertificate is not null);
    }
}
