using System.Globalization;

namespace Quill.Core.Companions;

/// <summary>
/// A web server's Common Log Format line, split the way pen's mergelogs reads it: client, the text up to '[',
/// the time, the text up to the first '"', the quoted request and the rest. Every part must be non-empty.
/// </summary>
public sealed record CommonLogLine(string Client, string BeforeTime, string TimeText, string BeforeRequest, string Request, string Rest)
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Unix time of <see cref="TimeText"/> (dd/Mon/yyyy:HH:MM:SS +zzzz), null when it does not parse.</summary>
    public long? UnixSeconds => ParseTime(TimeText);

    public static CommonLogLine? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space < 1) return null;
        var open = line.IndexOf('[', space + 1);
        var close = open < 0 ? -1 : line.IndexOf(']', open + 1);
        var quote = close < 0 ? -1 : line.IndexOf('"', close + 1);
        var endQuote = quote < 0 ? -1 : line.IndexOf('"', quote + 1);
        if (endQuote < 0 || open == space + 1 || close == open + 1 || quote == close + 1 || endQuote == quote + 1 || endQuote == line.Length - 1)
            return null;
        return new CommonLogLine(line[..space], line[(space + 1)..open], line[(open + 1)..close], line[(close + 1)..quote],
            line[(quote + 1)..endQuote], line[(endQuote + 1)..]);
    }

    /// <summary>The line with another client and time, as mergelogs writes it.</summary>
    public string Render(string client, long unixSeconds) =>
        $"{client} {BeforeTime}[{FormatTime(unixSeconds)}]{BeforeRequest}\"{Request}\"{Rest}";

    /// <summary>CLF time in UTC, labelled +0000.</summary>
    public static string FormatTime(long unixSeconds)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{t.Day:00}/{Months[t.Month - 1]}/{t.Year:0000}:{t.Hour:00}:{t.Minute:00}:{t.Second:00} +0000");
    }

    private static long? ParseTime(string text)
    {
        var parts = text.Split(' ', 2);
        var fields = parts[0].Split('/', ':');
        if (fields.Length != 6) return null;
        var month = Array.IndexOf(Months, fields[1]);
        if (month < 0 || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(fields[2], CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(fields[3], CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(fields[4], CultureInfo.InvariantCulture, out var minute)
            || !int.TryParse(fields[5], CultureInfo.InvariantCulture, out var second))
            return null;
        DateTimeOffset local;
        try
        {
            local = new DateTimeOffset(year, month + 1, day, hour, minute, second, TimeSpan.Zero);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }

        var seconds = local.ToUnixTimeSeconds();
        // The zone, +hhmm or -hhmm: local time minus the offset is UTC.
        if (parts.Length == 2 && parts[1].Length == 5 && parts[1][0] is '+' or '-'
            && int.TryParse(parts[1].AsSpan(1, 2), CultureInfo.InvariantCulture, out var zh)
            && int.TryParse(parts[1].AsSpan(3, 2), CultureInfo.InvariantCulture, out var zm))
        {
            var offset = zh * 3600 + zm * 60;
            seconds += parts[1][0] == '+' ? -offset : offset;
        }

        return seconds;
    }
}
