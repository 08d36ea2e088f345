namespace Quill.Core.Companions;

/// <summary>
/// mergelogs: merges web servers' Common Log Format files by time and puts the real client (from the balancer's
/// log) in place of the balancer's address. For each web line the balancer entry for the same server with the
/// same request and the closest time wins; without one, the server address stands in for the client. By hand for pen
/// compatibility: it is pen's mergelogs, reading pen's log lines.
/// </summary>
public sealed class LogMerger
{
    private readonly TextReader _penLog;
    private readonly IReadOnlyList<(string Server, TextReader Log)> _servers;
    private readonly LinkedList<PenLogEntry> _window = new();
    private bool _penLogDone;

    /// <param name="penLog">The balancer's access log.</param>
    /// <param name="servers">Each web server's address (as it appears in the balancer's log) and its log.</param>
    public LogMerger(TextReader penLog, IReadOnlyList<(string Server, TextReader Log)> servers)
    {
        _penLog = penLog;
        _servers = servers;
    }

    /// <summary>-j: the largest time difference between the two logs that still counts (default 600 s).</summary>
    public long JitterSeconds { get; init; } = 600;

    /// <summary>-t: seconds the balancer's clock is ahead of UTC; subtracted from its log's times.</summary>
    public long ZoneSeconds { get; init; }

    /// <summary>-c: search the whole balancer log for every line instead of a window of ± jitter.</summary>
    public bool NoCache { get; init; }

    /// <summary>Writes the merged log, oldest line first (ties in the order the servers were given).</summary>
    public void Merge(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var all = NoCache ? ReadAll() : null;
        var heads = _servers.Select(s => Next(s.Log)).ToArray();
        while (true)
        {
            var oldest = -1;
            for (var i = 0; i < heads.Length; i++)
            {
                if (heads[i] is { } head && (oldest < 0 || head.Time < heads[oldest]!.Value.Time)) oldest = i;
            }

            if (oldest < 0) return;
            var (line, time) = heads[oldest]!.Value;
            var server = _servers[oldest].Server;
            var client = all is null ? FromWindow(server, time, line.Request) : Closest(all, server, time, line.Request);
            output.Write(line.Render(client ?? server, time));
            output.Write('\n');
            heads[oldest] = Next(_servers[oldest].Log);
        }
    }

    private static (CommonLogLine Line, long Time)? Next(TextReader log)
    {
        while (log.ReadLine() is { } text)
        {
            if (CommonLogLine.Parse(text) is { UnixSeconds: { } time } line) return (line, time);
        }

        return null;
    }

    private List<PenLogEntry> ReadAll()
    {
        var all = new List<PenLogEntry>();
        while (ReadPen() is { } entry) all.Add(entry);
        return all;
    }

    private PenLogEntry? ReadPen()
    {
        while (!_penLogDone)
        {
            if (_penLog.ReadLine() is not { } text)
            {
                _penLogDone = true;
                break;
            }

            if (PenLogEntry.Parse(text) is { } entry) return entry with { UnixSeconds = entry.UnixSeconds - ZoneSeconds };
        }

        return null;
    }

    /// <summary>
    /// The balancer log is in time order: drop entries older than time - jitter from the front, read on until one
    /// is newer than time + jitter, then search what is held.
    /// </summary>
    private string? FromWindow(string server, long time, string request)
    {
        while (_window.First is { } first && first.Value.UnixSeconds < time - JitterSeconds) _window.RemoveFirst();
        while (_window.Last is not { } last || last.Value.UnixSeconds <= time + JitterSeconds)
        {
            if (ReadPen() is not { } entry) break;
            _window.AddLast(entry);
        }

        return Closest(_window, server, time, request);
    }

    private static string? Closest(IEnumerable<PenLogEntry> entries, string server, long time, string request)
    {
        var best = long.MaxValue;
        string? client = null;
        foreach (var entry in entries)
        {
            if (entry.Server != server || entry.Request != request) continue;
            var distance = Math.Abs(time - entry.UnixSeconds);
            if (distance < best)
            {
                best = distance;
                client = entry.Client;
            }
        }

        return client;
    }
}
