using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;

namespace Quill.Core.Model;

/// <summary>
/// Runtime state of one server slot (regular, emergency or abuse). Counters and the blacklist time are
/// mutated only under the selector's lock; readers (status pages) see each value atomically. The limits,
/// weight, prio and ACL start from the spec and may be changed by control commands at any time.
/// </summary>
public sealed class ServerState
{
    public ServerState(ServerSpec spec, EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(endPoint);
        Spec = spec;
        EndPoint = endPoint;
        Soft = spec.Soft;
        Hard = spec.Hard;
        Weight = spec.Weight;
        Prio = spec.Prio;
    }

    /// <summary>The spec as the operator wrote it.</summary>
    public ServerSpec Spec { get; }

    /// <summary>Where to connect; resolved once at start.</summary>
    public EndPoint EndPoint { get; set; }

    /// <summary>Soft connection limit (pen's maxc); 0 = unlimited.</summary>
    public int Soft { get; set; }
    /// <summary>Hard limit for returning (sticky) clients; below or equal to soft it adds nothing.</summary>
    public int Hard { get; set; }
    /// <summary>Weight for weight mode; 0 = never chosen there.</summary>
    public int Weight { get; set; }
    /// <summary>Priority for prio mode; the lowest value wins.</summary>
    public int Prio { get; set; }
    /// <summary>Server ACL number (pen's default 0).</summary>
    public int Acl { get; set; }

    /// <summary>Connections currently held (pen's c), counted from the moment the server is chosen.</summary>
    public int Connections { get; internal set; }
    /// <summary>Bytes sent to the server (pen's sx).</summary>
    public long SentToServer { get; internal set; }
    /// <summary>Bytes received from the server (pen's rx).</summary>
    public long ReceivedFromServer { get; internal set; }

    private ServerStatistics? _statistics;

    /// <summary>Connections made, failures by reason, blacklistings and connect times since start (for /metrics).
    /// Made on first use: `server N` can add tens of thousands of slots that are never used.</summary>
    public ServerStatistics Statistics => LazyInitializer.EnsureInitialized(ref _statistics);

    /// <summary>Time of the last failure (pen's status); null when never failed or cleared by a good connect.</summary>
    public DateTimeOffset? FailedAt { get; internal set; }

    /// <summary>pen's raw status column: unix seconds of <see cref="FailedAt"/>, 0 when none.</summary>
    public long Status => FailedAt?.ToUnixTimeSeconds() ?? 0;

    /// <summary>The port pen shows: 1 for unix-socket servers.</summary>
    public int Port => EndPoint switch
    {
        IPEndPoint ip => ip.Port,
        DnsEndPoint dns => dns.Port,
        _ => EndPoint.AddressFamily == AddressFamily.Unix ? 1 : 0,
    };

    /// <summary>pen counts a slot whose address is the wildcard (0.0.0.0) as unused.</summary>
    public bool IsUsed => EndPoint is not IPEndPoint ip
        || !(ip.Address.Equals(IPAddress.Any) || ip.Address.Equals(IPAddress.IPv6Any));

    public bool IsBlacklisted(DateTimeOffset now, TimeSpan blacklistTime) =>
        FailedAt is { } failed && now - failed < blacklistTime;
}
