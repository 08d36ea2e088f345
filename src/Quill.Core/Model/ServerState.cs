using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Core.Health;

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

    /// <summary>pen's unused slot: address 0.0.0.0, port 0, never chosen.</summary>
    public static ServerState Unused() =>
        new(new ServerSpec("0.0.0.0:0", "0.0.0.0", 0, null), new IPEndPoint(IPAddress.Any, 0));

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

    /// <summary>server N proxy: the PROXY header this server gets; null: the global <c>proxy</c> default.</summary>
    public Proxy.ProxyVersion? Proxy { get; set; }

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

    /// <summary>
    /// A reload left this server out of the file: it gets no new clients, and its slot becomes unused once its last
    /// connection ends. A later reload naming the slot again takes it back.
    /// </summary>
    public bool Removed { get; internal set; }

    /// <summary>pen counts a slot whose address is the wildcard (0.0.0.0) as unused.</summary>
    public bool IsUsed => EndPoint is not IPEndPoint ip
        || !(ip.Address.Equals(IPAddress.Any) || ip.Address.Equals(IPAddress.IPv6Any));

    public bool IsBlacklisted(DateTimeOffset now, TimeSpan blacklistTime) =>
        FailedAt is { } failed && now - failed < blacklistTime;

    /// <summary>Its own health settings (<c>server N check ...</c>); unset values follow the global defaults.</summary>
    public HealthSettings HealthSettings { get; } = new();

    /// <summary>Drain, maintenance, the active checks' verdict and the last check.</summary>
    public ServerHealth Health { get; } = new();

    /// <summary>
    /// The one answer to "what state is this server in": selection, <c>health</c>, the status page, USR1 and metrics
    /// all read it. <paramref name="blacklistTime"/> is -b as it stands.
    /// </summary>
    public ServerAvailability Availability(DateTimeOffset now, TimeSpan blacklistTime) =>
        Health.Admin == AdminState.Maintenance ? ServerAvailability.Maintenance
        : Health.CheckedDown ? ServerAvailability.Down
        : IsBlacklisted(now, blacklistTime) ? ServerAvailability.Blacklisted
        : Health.Admin == AdminState.Draining ? ServerAvailability.Draining
        : ServerAvailability.Up;

    /// <summary>
    /// Slow start: the share (0 to 1) of its normal part of new clients the server takes now, rising linearly over
    /// <paramref name="slowStartSeconds"/> from when it came back: from down, drain or maint (<see cref="ServerHealth.BackAt"/>)
    /// or from blacklisting (when -b ran out).
    /// </summary>
    public double SlowStartShare(DateTimeOffset now, TimeSpan blacklistTime, int slowStartSeconds)
    {
        if (slowStartSeconds <= 0) return 1;
        var back = Health.BackAt;
        if (FailedAt is { } failed && failed + blacklistTime is var end && end <= now && (back is null || end > back))
            back = end;
        if (back is not { } since) return 1;
        var share = (now - since).TotalSeconds / slowStartSeconds;
        return Math.Clamp(share, 0, 1);
    }
}
