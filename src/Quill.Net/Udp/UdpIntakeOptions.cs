namespace Quill.Net.Udp;

/// <summary>How long UDP sessions live and how many there may be.</summary>
public sealed record UdpIntakeOptions
{
    /// <summary>Used when the operator set no idle timeout (0): pen has none, so its table fills with dead sessions.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A session with no datagram either way for this long ends.</summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    /// <summary>At most this many sessions; a new client then takes the place of the least recently active one.</summary>
    public int MaxSessions { get; init; } = 256;
}
