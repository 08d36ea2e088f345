namespace Quill.Core.Companions;

/// <summary>
/// penlogd's merge, live: remembers the last N balancer entries and rewrites each web server log line so that its
/// first field is the real client. A web line matches the newest remembered entry from the same server whose
/// request starts with the web line's quoted request (compared on up to 100 characters).
/// </summary>
public sealed class PenlogdMatcher(int capacity)
{
    /// <summary>penlogd keeps at most this many characters of each field.</summary>
    public const int FieldLimit = 99;
    private const int RequestCompareLimit = 100;

    private readonly (string Client, string Server, string Request)[] _ring = new (string, string, string)[Math.Max(1, capacity)];
    private int _next;
    private int _count;

    /// <summary>True for a balancer datagram (<c>+ client server request</c>).</summary>
    public static bool IsBalancerEntry(string datagram) => datagram.StartsWith('+');

    /// <summary>Remembers a balancer datagram; false when it lacks a field.</summary>
    public bool Remember(string datagram)
    {
        ArgumentNullException.ThrowIfNull(datagram);
        var fields = datagram.TrimEnd('\r', '\n').Split(' ', 4);
        if (fields.Length < 4 || fields[0] != "+") return false;
        _ring[_next] = (Cut(fields[1]), Cut(fields[2]), Cut(fields[3]));
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
        return true;
    }

    /// <summary>
    /// The web line from <paramref name="server"/> with the real client in front; unchanged without a match;
    /// null when the line has no quoted request.
    /// </summary>
    public string? Rewrite(string server, string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var open = line.IndexOf('"', StringComparison.Ordinal);
        var close = open < 0 ? -1 : line.IndexOf('"', open + 1);
        if (close < 0) return null;
        var request = line[(open + 1)..close];
        var compared = Math.Min(request.Length, RequestCompareLimit);
        for (var i = 1; i <= _count; i++)
        {
            var (client, entryServer, entryRequest) = _ring[(_next - i + _ring.Length) % _ring.Length];
            if (entryServer != server || string.CompareOrdinal(entryRequest, 0, request, 0, compared) != 0) continue;
            if (entryRequest.Length < compared) continue;
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? line : client + line[space..];
        }

        return line;
    }

    private static string Cut(string field) => field.Length > FieldLimit ? field[..FieldLimit] : field;
}
