using System.Globalization;

namespace Quill.Core.Companions;

/// <summary>One line of pen's (and quill's) access log, as mergelogs reads it back: client, time, server, request.</summary>
public readonly record struct PenLogEntry(string Client, long UnixSeconds, string Server, string Request)
{
    /// <summary>Null for a line without all four fields (pen's log has them whenever the request is not empty).</summary>
    public static PenLogEntry? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(' ', 4, StringSplitOptions.None);
        if (fields.Length < 4 || fields[0].Length == 0 || fields[2].Length == 0 || fields[3].Length == 0) return null;
        return long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var when)
            ? new PenLogEntry(fields[0], when, fields[2], fields[3])
            : null;
    }
}
