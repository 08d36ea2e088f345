using System.Net.Security;

namespace Quill.Core.Tls;

/// <summary>
/// ssl_ciphers: an OpenSSL cipher string (names and keywords separated by ':', ',' or spaces, with the
/// <c>!</c>, <c>-</c> and <c>+</c> prefixes, <c>A+B</c> intersections and ignored <c>@STRENGTH</c> /
/// <c>@SECLEVEL=n</c> terms) turned into the ordered TLS 1.2 suites .NET can offer. As in OpenSSL, the string
/// governs TLS 1.2 only: the three TLS 1.3 suites stay on unless the list names some of them (TLS_AES_...).
/// Keywords for families .NET never offers (RC4, 3DES, NULL, EXPORT, MD5...) are known and match nothing.
/// </summary>
public static class OpenSslCipherList
{
    private sealed record Suite(string Name, TlsCipherSuite Id, string[] Tags);

    private static readonly Suite[] Tls12 =
    [
        new("ECDHE-ECDSA-AES256-GCM-SHA384", TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, ["kECDHE", "aECDSA", "AESGCM", "AES256", "SHA384"]),
        new("ECDHE-RSA-AES256-GCM-SHA384", TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, ["kECDHE", "aRSA", "AESGCM", "AES256", "SHA384"]),
        new("DHE-RSA-AES256-GCM-SHA384", TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, ["kDHE", "aRSA", "AESGCM", "AES256", "SHA384"]),
        new("ECDHE-ECDSA-CHACHA20-POLY1305", TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, ["kECDHE", "aECDSA", "CHACHA20", "SHA256"]),
        new("ECDHE-RSA-CHACHA20-POLY1305", TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, ["kECDHE", "aRSA", "CHACHA20", "SHA256"]),
        new("DHE-RSA-CHACHA20-POLY1305", TlsCipherSuite.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256, ["kDHE", "aRSA", "CHACHA20", "SHA256"]),
        new("ECDHE-ECDSA-AES128-GCM-SHA256", TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ["kECDHE", "aECDSA", "AESGCM", "AES128", "SHA256"]),
        new("ECDHE-RSA-AES128-GCM-SHA256", TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ["kECDHE", "aRSA", "AESGCM", "AES128", "SHA256"]),
        new("DHE-RSA-AES128-GCM-SHA256", TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, ["kDHE", "aRSA", "AESGCM", "AES128", "SHA256"]),
        new("ECDHE-ECDSA-AES256-SHA384", TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, ["kECDHE", "aECDSA", "AES256", "SHA384"]),
        new("ECDHE-RSA-AES256-SHA384", TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, ["kECDHE", "aRSA", "AES256", "SHA384"]),
        new("ECDHE-ECDSA-AES128-SHA256", TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, ["kECDHE", "aECDSA", "AES128", "SHA256"]),
        new("ECDHE-RSA-AES128-SHA256", TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, ["kECDHE", "aRSA", "AES128", "SHA256"]),
        new("ECDHE-ECDSA-AES256-SHA", TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, ["kECDHE", "aECDSA", "AES256", "SHA1"]),
        new("ECDHE-RSA-AES256-SHA", TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, ["kECDHE", "aRSA", "AES256", "SHA1"]),
        new("ECDHE-ECDSA-AES128-SHA", TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, ["kECDHE", "aECDSA", "AES128", "SHA1"]),
        new("ECDHE-RSA-AES128-SHA", TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, ["kECDHE", "aRSA", "AES128", "SHA1"]),
        new("AES256-GCM-SHA384", TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384, ["kRSA", "aRSA", "AESGCM", "AES256", "SHA384"]),
        new("AES128-GCM-SHA256", TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, ["kRSA", "aRSA", "AESGCM", "AES128", "SHA256"]),
        new("AES256-SHA256", TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256, ["kRSA", "aRSA", "AES256", "SHA256"]),
        new("AES128-SHA256", TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256, ["kRSA", "aRSA", "AES128", "SHA256"]),
        new("AES256-SHA", TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA, ["kRSA", "aRSA", "AES256", "SHA1"]),
        new("AES128-SHA", TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, ["kRSA", "aRSA", "AES128", "SHA1"]),
    ];

    private static readonly (string Name, TlsCipherSuite Id)[] Tls13 =
    [
        ("TLS_AES_256_GCM_SHA384", TlsCipherSuite.TLS_AES_256_GCM_SHA384),
        ("TLS_CHACHA20_POLY1305_SHA256", TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256),
        ("TLS_AES_128_GCM_SHA256", TlsCipherSuite.TLS_AES_128_GCM_SHA256),
    ];

    /// <summary>OpenSSL's other names for the tags above.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["ECDHE"] = "kECDHE", ["EECDH"] = "kECDHE", ["kEECDH"] = "kECDHE",
        ["DHE"] = "kDHE", ["EDH"] = "kDHE", ["kEDH"] = "kDHE",
        ["RSA"] = "kRSA", ["ECDSA"] = "aECDSA", ["SHA"] = "SHA1", ["AESGCM"] = "AESGCM",
    };

    /// <summary>Keywords that select every suite quill knows: all of them are strong (128 bits and up).</summary>
    private static readonly HashSet<string> Everything = new(StringComparer.Ordinal)
        { "ALL", "DEFAULT", "HIGH", "AES" };

    /// <summary>Families OpenSSL knows and .NET never offers here, so they select nothing.</summary>
    private static readonly HashSet<string> Absent = new(StringComparer.Ordinal)
    {
        "aNULL", "eNULL", "NULL", "COMPLEMENTOFALL", "COMPLEMENTOFDEFAULT", "LOW", "MEDIUM", "EXP", "EXPORT", "RC4",
        "DES", "3DES", "MD5", "PSK", "aPSK", "kPSK", "SRP", "kSRP", "aSRP", "DSS", "aDSS", "kDH", "ADH", "AECDH",
        "CAMELLIA", "CAMELLIA128", "CAMELLIA256", "SEED", "IDEA", "ARIA", "ARIA128", "ARIA256", "CCM", "AESCCM", "AESCCM8",
        "GOST", "SUITEB128", "SUITEB192", "SUITEB128ONLY", "aGOST", "kGOST", "RC2", "aDH", "kECDH",
    };

    /// <summary>
    /// What quill offers when ssl_ciphers is not given: Mozilla's "intermediate" TLS 1.2 list (forward secrecy and AEAD
    /// only: no CBC, no SHA-1, no RSA key exchange), which is also what HAProxy's and nginx's generated configurations
    /// use. An explicit, not the system's OpenSSL defaults, so a machine's openssl.cnf cannot widen it.
    /// </summary>
    public const string Intermediate =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
        + "DHE-RSA-CHACHA20-POLY1305";

    /// <summary>All three TLS 1.3 suites, which ssl_ciphers leaves on unless it names some.</summary>
    public static IReadOnlyList<TlsCipherSuite> Tls13Suites { get; } = [.. Tls13.Select(s => s.Id)];

    /// <summary>Parses the list; on success <paramref name="suites"/> holds the TLS 1.3 suites then the TLS 1.2 ones,
    /// in the order asked for.</summary>
    public static bool TryParse(string text, out IReadOnlyList<TlsCipherSuite> suites, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        suites = [];
        var chosen = new List<Suite>();
        var banned = new HashSet<Suite>();
        var tls13 = new List<TlsCipherSuite>();
        foreach (var term in text.Split([':', ',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (term.StartsWith('@')) continue;
            var prefix = term[0] is '!' or '-' or '+' ? term[0] : ' ';
            var body = prefix == ' ' ? term : term[1..];
            var named13 = Tls13.Where(s => s.Name == body).Select(s => s.Id).ToList();
            if (named13.Count > 0)
            {
                if (prefix == ' ' && !tls13.Contains(named13[0])) tls13.Add(named13[0]);
                else if (prefix is '!' or '-') tls13.Remove(named13[0]);
                continue;
            }
            if (!TryMatch(body, out var matching))
            {
                error = $"unknown cipher '{body}' in '{text}'";
                return false;
            }
            switch (prefix)
            {
                case '!':
                    banned.UnionWith(matching);
                    chosen.RemoveAll(matching.Contains);
                    break;
                case '-':
                    chosen.RemoveAll(matching.Contains);
                    break;
                case '+':
                    var moved = chosen.Where(matching.Contains).ToList();
                    chosen.RemoveAll(matching.Contains);
                    chosen.AddRange(moved);
                    break;
                default:
                    chosen.AddRange(matching.Where(s => !banned.Contains(s) && !chosen.Contains(s)));
                    break;
            }
        }

        if (chosen.Count == 0 && tls13.Count == 0)
        {
            error = $"no cipher matches '{text}'";
            return false;
        }
        suites = [.. (tls13.Count > 0 ? tls13 : Tls13Suites), .. chosen.Select(s => s.Id)];
        error = "";
        return true;
    }

    /// <summary>The suites a term selects: a suite name, a keyword, or keywords joined with '+' (all must hold).</summary>
    private static bool TryMatch(string body, out List<Suite> matching)
    {
        if (Tls12.FirstOrDefault(s => s.Name == body) is { } single)
        {
            matching = [single];
            return true;
        }
        matching = [.. Tls12];
        foreach (var part in body.Split('+'))
        {
            if (Everything.Contains(part)) continue;
            if (Absent.Contains(part))
            {
                matching.Clear();
                continue;
            }
            var tag = Aliases.GetValueOrDefault(part, part);
            if (!Tls12.Any(s => s.Tags.Contains(tag))) return false;
            matching.RemoveAll(s => !s.Tags.Contains(tag));
        }
        return true;
    }
}
