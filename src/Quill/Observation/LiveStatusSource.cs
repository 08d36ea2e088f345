using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Core.Selection;
using Quill.Core.Status;
using Quill.Operations;

namespace Quill.Observation;

/// <summary>Reads what /api/status and <c>json status</c> show, at one moment.</summary>
internal sealed class LiveStatusSource(
    StatusReports reports, SelectionSettings selection, RuntimeSettings settings, BalancerCounters counters,
    RecentErrors errors, Func<string?> listenText, TimeProvider time)
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public LiveStatus Read()
    {
        var now = time.GetUtcNow();
        var startup = settings.Startup;
        return new LiveStatus
        {
            Snapshot = reports.Snapshot(),
            UtcNow = now,
            BlacklistTime = TimeSpan.FromSeconds(Math.Max(0, selection.BlacklistSeconds)),
            Mode = selection.Flags,
            Listen = listenText(),
            Udp = startup.Udp,
            Tls = startup.Tls.Enabled,
            Http = settings.HttpHeaders,
            Uptime = now - _startedAt,
            Counters = counters,
            Errors = errors.Snapshot(),
        };
    }
}
