using System.Security.Authentication;

namespace Quill.Core.Configuration;

/// <summary>
/// -L: pen's protocol names mapped to what is safe today. pen's ssl23 and tls1 meant "the best the peer has"; that is
/// TLS 1.2 and 1.3 now. SSLv2 and SSLv3 are broken and refused, as the pen manual that quill follows says.
/// </summary>
public static class TlsProtocolOption
{
    public const SslProtocols Default = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <param name="error">One line naming the value, when it is refused.</param>
    public static bool TryParse(string name, out SslProtocols protocols, out string error)
    {
        error = "";
        protocols = name switch
        {
            "ssl23" or "tls1" or "tls" or "tls1.2" => Default,
            "tls1.3" => SslProtocols.Tls13,
            _ => SslProtocols.None,
        };
        if (protocols != SslProtocols.None) return true;
        error = name is "ssl2" or "ssl3"
            ? $"-L {name}: SSLv2 and SSLv3 are insecure and not supported; use tls1.2 or tls1.3"
            : $"-L {name}: protocol version not known (expected ssl23, tls1, tls1.2 or tls1.3)";
        return false;
    }
}
