namespace Quill.Core.Configuration;

/// <summary>
/// syslog_facility: the facility the daemon's syslog records carry. The names are those of syslog.conf and
/// logger(1), with HAProxy's spellings (auth2, cron2) accepted too, so a line copied from either works.
/// </summary>
public static class SyslogFacility
{
    /// <summary>pen's facility, kept as the default so existing syslog rules still match.</summary>
    public const int User = 1;

    /// <summary>Codes 0 to 23 (RFC 5424 §6.2.1); the syslog priority is code × 8 + severity.</summary>
    private static readonly string[] Names =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "audit", "alert", "cron2", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    private static readonly Dictionary<string, int> Aliases = new(StringComparer.Ordinal)
    {
        ["auth2"] = 10,
        ["security"] = 4,
    };

    public static bool TryParse(string name, out int code)
    {
        code = Array.IndexOf(Names, name);
        if (code >= 0) return true;
        return Aliases.TryGetValue(name, out code);
    }

    public static string NameOf(int code) => Names[code];
}
