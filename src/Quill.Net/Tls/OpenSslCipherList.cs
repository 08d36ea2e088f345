using System.Net.Security;
using System.Runtime.InteropServices;
using Quill.Net.Interop;

namespace Quill.Net.Tls;

/// <summary>
/// ssl_ciphers: an OpenSSL cipher string, parsed by OpenSSL itself (as pen does, with SSL_CTX_set_cipher_list) on a
/// scratch context, and turned into the ordered suites .NET's <see cref="CipherSuitesPolicy"/> offers. OpenSSL keeps
/// TLS 1.3 suites in a list of their own, so the string's words that name one (TLS_AES_...) go to
/// SSL_CTX_set_ciphersuites and the rest to SSL_CTX_set_cipher_list; without such a word the three TLS 1.3 suites stay
/// on, and a string of TLS 1.3 names only leaves TLS 1.2 without suites. As in pen, nginx and HAProxy, OpenSSL skips
/// words it does not know and refuses a string that selects no TLS 1.2 suite.
/// </summary>
public static class OpenSslCipherList
{
    /// <summary>OpenSSL's own default TLS 1.3 list, given explicitly so a machine's openssl.cnf cannot change it.</summary>
    private const string AllTls13 = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

    /// <summary>IANA numbers 0x13xx are the TLS 1.3 suites.</summary>
    private const int Tls13Family = 0x13;

    /// <summary>
    /// What quill offers when ssl_ciphers is not given: Mozilla's "intermediate" TLS 1.2 list (forward secrecy and AEAD
    /// only: no CBC, no SHA-1, no RSA key exchange), which is also what HAProxy's and nginx's generated configurations
    /// use. An explicit, not the system's OpenSSL defaults, so a machine's openssl.cnf cannot widen it.
    /// </summary>
    public const string Intermediate =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
        + "DHE-RSA-CHACHA20-POLY1305";

    /// <summary>Null when OpenSSL accepts the string, else why not, in one line (the ssl_ciphers command's check).</summary>
    public static string? Refusal(string text) => TryExpand(text, out _, out var error) ? null : error;

    /// <summary>Has OpenSSL expand the string; on success <paramref name="suites"/> holds the TLS 1.3 suites then the
    /// TLS 1.2 ones, in OpenSSL's order.</summary>
    /// <param name="error">On failure, one line: what OpenSSL refused and why.</param>
    public static bool TryExpand(string text, out IReadOnlyList<TlsCipherSuite> suites, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        suites = [];
        var (tls13, tls12) = Split(text);
        if (tls12.Length == 0 && tls13.Length == 0)
        {
            error = $"no cipher in '{text}'";
            return false;
        }
        try
        {
            return TryExpand(tls13.Length > 0 ? tls13 : AllTls13, tls12, out suites, out error);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            error = "OpenSSL not found (libssl.so.3 cannot be loaded)";
            return false;
        }
    }

    /// <summary>The string as OpenSSL's two lists: the TLS 1.3 suites (all three when it names none) for
    /// SSL_CTX_set_ciphersuites, the rest (possibly empty) for SSL_CTX_set_cipher_list.</summary>
    internal static (string Tls13, string Tls12) Lists(string text)
    {
        var (tls13, tls12) = Split(text);
        return (tls13.Length > 0 ? tls13 : AllTls13, tls12);
    }

    private static (string Tls13, string Tls12) Split(string text)
    {
        var words = text.Split([':', ',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries);
        return (string.Join(':', words.Where(w => w.StartsWith("TLS_", StringComparison.Ordinal))),
            string.Join(':', words.Where(w => !w.StartsWith("TLS_", StringComparison.Ordinal))));
    }

    private static bool TryExpand(string tls13, string tls12, out IReadOnlyList<TlsCipherSuite> suites, out string error)
    {
        suites = [];
        LibSsl.ErrClearError();
        var context = LibSsl.SslCtxNew(LibSsl.TlsServerMethod());
        if (context == 0)
        {
            error = $"OpenSSL cannot make a context: {Reason()}";
            return false;
        }
        try
        {
            if (LibSsl.SslCtxSetCipherSuites(context, tls13) != 1)
            {
                error = $"OpenSSL refuses TLS 1.3 suites '{tls13}': {Reason()}";
                return false;
            }
            if (tls12.Length > 0 && LibSsl.SslCtxSetCipherList(context, tls12) != 1)
            {
                error = $"OpenSSL refuses '{tls12}': {Reason()}";
                return false;
            }
            var chosen = LibSsl.SslCtxGetCiphers(context);
            var list = new List<TlsCipherSuite>();
            for (var i = 0; i < LibSsl.StackCount(chosen); i++)
            {
                var id = LibSsl.CipherProtocolId(LibSsl.StackValue(chosen, i));
                // Without TLS 1.2 words the context still holds OpenSSL's default TLS 1.2 list: none of it was asked for.
                if (tls12.Length > 0 || id >> 8 == Tls13Family) list.Add((TlsCipherSuite)id);
            }
            suites = list;
            error = "";
            return true;
        }
        finally
        {
            LibSsl.SslCtxFree(context);
            LibSsl.ErrClearError();
        }
    }

    /// <summary>The reason of OpenSSL's first queued error ("no cipher match").</summary>
    private static string Reason()
    {
        var code = LibSsl.ErrGetError();
        return code == 0 ? "no reason given" : Marshal.PtrToStringUTF8(LibSsl.ErrReasonErrorString(code)) ?? $"error {code:x}";
    }
}
