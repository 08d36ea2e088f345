using System.Globalization;
using Quill.Core.Model;
using Quill.Core.Selection;
using Quill.Core.Status;
using Quill.Diagnostics;
using Quill.Hosting;
using Quill.Net.Connections;

namespace Quill.Operations;

/// <summary>
/// The statistics of a running balancer: the text USR1 prints and the HTML page -w keeps. The status and
/// web_stats control commands call <see cref="RenderHtml"/>, <see cref="WriteWebStats"/> and <see cref="WebStatsFile"/>.
/// </summary>
internal sealed class StatusReports(ServerSelector selector, ConnectionRegistry connections, BalancerCounters counters, DebugLog log,
    TimeProvider time)
{
    private readonly Lock _writing = new();

    /// <summary>-w / web_stats: the HTML file USR1 rewrites; null when none.</summary>
    public string? WebStatsFile { get; set; }

    public StatusSnapshot Snapshot()
    {
        var (open, last) = connections.Snapshot();
        var states = selector.Availabilities();
        return new StatusSnapshot
        {
            Now = time.GetLocalNow(),
            Servers = selector.Servers.Regular,
            States = states,
            Current = selector.Current,
            ClientsMax = selector.Clients.Capacity,
            Clients = selector.Clients.Snapshot(),
            ConnectionsMax = connections.Capacity,
            Connections = open,
            LastConnection = last,
        };
    }

    public string RenderHtml() => HtmlStatusPage.Render(Snapshot());

    /// <summary>pen's text statistics, then accept_proxy's counters once it has seen a connection.</summary>
    public IReadOnlyList<string> RenderText()
    {
        List<string> text = [.. TextStatistics.Render(Snapshot())];
        if (ProxyHeaderLine() is { } proxy) text.Add(proxy);
        if (PeerLine() is { } peers) text.Add(peers);
        return text;
    }

    /// <summary>accept_proxy's counts under the names metrics and scripts know; null until it has seen a connection,
    /// so pen's output is unchanged without it.</summary>
    private string? ProxyHeaderLine()
    {
        var counts = counters.ProxyHeaders();
        if (counts.Length == 0) return null;
        long Of(string result) => counts.FirstOrDefault(c => c.Key == result).Value;
        return string.Create(CultureInfo.InvariantCulture,
            $"proxy_headers_accepted {Of("accepted")} proxy_headers_invalid {Of("invalid")} proxy_header_timeouts {Of("timeout")} proxy_senders_denied {Of("denied")}");
    }

    /// <summary>The client-table sync's frame counts; null until it has sent or received one.</summary>
    private string? PeerLine()
    {
        var counts = counters.Peers();
        if (counts.Length == 0) return null;
        long Of(string result) => counts.FirstOrDefault(c => c.Key == result).Value;
        return string.Create(CultureInfo.InvariantCulture,
            $"peer_frames_sent {Of("sent")} peer_frames_applied {Of("applied")} peer_frames_older {Of("older")} peer_frames_unknown_server {Of("unknown_server")} peer_frames_bad {Of("bad")} peer_full_copies {Of("full_copy")}");
    }

    /// <summary>Rewrites the -w file from scratch; returns the page, or null when there is no -w file.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file.</exception>
    public string? WriteWebStats()
    {
        if (WebStatsFile is not { } path) return null;
        var page = RenderHtml();
        lock (_writing)
        {
            // Write beside and rename, so a reader never sees half a page.
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, page);
            File.Move(temporary, path, overwrite: true);
        }

        return page;
    }

    /// <summary>USR1: the text statistics to the debug output (stderr, or syslog for the daemon) and the -w page.</summary>
    public void OnUser1()
    {
        lock (_writing)
        {
            foreach (var message in RenderText()) log.Notice(message);
        }

        try
        {
            WriteWebStats();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Write(0, $"cannot write status page {WebStatsFile}: {e.Message}");
        }
    }
}
