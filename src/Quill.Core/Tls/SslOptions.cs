using System.Security.Authentication;

namespace Quill.Core.Tls;

/// <summary>ssl_option: pen's OpenSSL option words; repeated commands add up, as pen ORs the flags.</summary>
[Flags]
public enum SslOptions
{
    None = 0,
    NoSslV2 = 1,
    NoSslV3 = 2,
    NoTls1 = 4,
    NoTls11 = 8,
    NoTls12 = 16,
    CipherServerPreference = 32,
}

/// <summary>The words of <see cref="SslOptions"/> and what they do to the protocol versions.</summary>
public static class SslOptionWords
{
    private static readonly (string Word, SslOptions Flag)[] Words =
    [
        ("no_sslv2", SslOptions.NoSslV2),
        ("no_sslv3", SslOptions.NoSslV3),
        ("no_tlsv1", SslOptions.NoTls1),
        ("no_tlsv1.1", SslOptions.NoTls11),
        ("no_tlsv1.2", SslOptions.NoTls12),
        ("cipher_server_preference", SslOptions.CipherServerPreference),
    ];

    public static bool TryParse(string word, out SslOptions flag)
    {
        foreach (var (name, value) in Words)
        {
            if (name != word) continue;
            flag = value;
            return true;
        }
        flag = SslOptions.None;
        return false;
    }

    public static string Expected => string.Join(", ", Words.Select(w => w.Word));

    /// <summary>The words set in <paramref name="options"/>, in pen's order, for <c>write</c>.</summary>
    public static IEnumerable<string> Of(SslOptions options) =>
        Words.Where(w => options.HasFlag(w.Flag)).Select(w => w.Word);

    /// <summary>The versions left once the no_* options are applied. quill never enables SSL 2, SSL 3, TLS 1.0 or
    /// TLS 1.1, so only no_tlsv1.2 takes something away.</summary>
    public static SslProtocols Restrict(SslProtocols protocols, SslOptions options) =>
        options.HasFlag(SslOptions.NoTls12) ? protocols & ~SslProtocols.Tls12 : protocols;
}
