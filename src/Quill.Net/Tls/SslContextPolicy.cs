using System.Security.Authentication;
using Quill.Core.Configuration;
using Quill.Net.Interop;

namespace Quill.Net.Tls;

/// <summary>
/// What every server context of one configuration shares: protocol versions, suites, options and the client
/// certificate check. <see cref="CaFile"/> and <see cref="CaDirectory"/> are the CAs client certificates must chain to
/// (-G, -A; neither: the system's); an ssl_sni_path name with its own <c>.ca</c> file gets a copy with that file alone.
/// </summary>
internal sealed record SslContextPolicy(int MinVersion, int MaxVersion, string Tls13, string Tls12, ulong Options,
    bool RequireClientCertificate, string? CaFile, string? CaDirectory)
{
    /// <summary>From the operator's options, with <paramref name="protocols"/> already restricted by ssl_option.</summary>
    public static SslContextPolicy For(SslProtocols protocols, TlsOptions options)
    {
        var (tls13, tls12) = OpenSslCipherList.Lists(options.Ciphers ?? OpenSslCipherList.Intermediate);
        // A list of TLS 1.3 names alone leaves TLS 1.2 without suites: it cannot be offered at all.
        var min = protocols.HasFlag(SslProtocols.Tls12) && tls12.Length > 0 ? LibSsl.Tls12Version : LibSsl.Tls13Version;
        var max = protocols.HasFlag(SslProtocols.Tls13) ? LibSsl.Tls13Version : LibSsl.Tls12Version;
        // A FIN without close_notify is the end of the stream, as most clients end; renegotiation is refused, as
        // nginx and HAProxy refuse it (it lets one client make the server do handshakes at will); the suite is
        // chosen by quill's order (ssl_ciphers), so cipher_server_preference changes nothing.
        const ulong flags = LibSsl.OptionIgnoreUnexpectedEof | LibSsl.OptionNoRenegotiation | LibSsl.OptionCipherServerPreference;
        return new SslContextPolicy(min, max, tls13, tls12, flags, options.RequireClientCertificate, options.CaFile, options.CaDirectory);
    }
}
