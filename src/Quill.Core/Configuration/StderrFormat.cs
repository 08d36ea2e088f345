namespace Quill.Core.Configuration;

/// <summary>stderr_format: how a debug line on stderr (quill -f) is written.</summary>
public enum StderrFormat
{
    /// <summary>pen's line, "YYYY-MM-DD HH:MM:SS: message", with no level.</summary>
    Pen,

    /// <summary>HAProxy's "short": "&lt;N&gt;message", the syslog severity first, which systemd-journald reads as
    /// the line's priority (sd-daemon(3)) and which carries no time of its own (the journal adds one).</summary>
    Short,

    /// <summary>HAProxy's "timed": the severity, then pen's line.</summary>
    Timed,
}

/// <summary>The words of <c>stderr_format</c>.</summary>
public static class StderrFormats
{
    public static bool TryParse(string word, out StderrFormat format)
    {
        (var known, format) = word switch
        {
            "pen" => (true, StderrFormat.Pen),
            "short" => (true, StderrFormat.Short),
            "timed" => (true, StderrFormat.Timed),
            _ => (false, default),
        };
        return known;
    }

    public static string Word(StderrFormat format) => format switch
    {
        StderrFormat.Short => "short",
        StderrFormat.Timed => "timed",
        _ => "pen",
    };
}
