namespace Quill.Diagnostics;

/// <summary>
/// The syslog severities (RFC 5424) a debug message carries, in syslog records and in the short and timed stderr
/// formats. pen sent everything at debug; quill sends failures higher, which rules for "user.debug" still match
/// (a selector takes its severity and every one above it).
/// </summary>
internal static class Severity
{
    /// <summary>A failure that stops quill (it exits 1).</summary>
    public const int Error = 3;

    /// <summary>A level-0 message: something failed or went wrong, shown whatever -d says.</summary>
    public const int Warning = 4;

    /// <summary>A level-0 message that is news, not trouble (USR1 statistics, a takeover).</summary>
    public const int Notice = 5;

    /// <summary>-d messages (levels 1 and 2): connections coming and going, settings taking effect.</summary>
    public const int Info = 6;

    /// <summary>-d -d -d and above: data dumps and the like.</summary>
    public const int Debug = 7;

    public static int OfLevel(int messageLevel) => messageLevel switch
    {
        <= 0 => Warning,
        <= 2 => Info,
        _ => Debug,
    };
}
