using Quill.Core.Configuration;
using Quill.Core.Model;

namespace Quill.Core.Status;

/// <summary>What the live status page and <c>json status</c> show, read at one moment.</summary>
public sealed record LiveStatus
{
    public required StatusSnapshot Snapshot { get; init; }
    public required DateTimeOffset UtcNow { get; init; }
    public required TimeSpan BlacklistTime { get; init; }
    public required SelectionFlags Mode { get; init; }
    /// <summary>The listen address as given; null before one is open.</summary>
    public required string? Listen { get; init; }
    public required bool Udp { get; init; }
    public required bool Tls { get; init; }
    public required bool Http { get; init; }
    public required TimeSpan Uptime { get; init; }
    public required BalancerCounters Counters { get; init; }
    public required IReadOnlyList<RecentErrors.Entry> Errors { get; init; }
}
