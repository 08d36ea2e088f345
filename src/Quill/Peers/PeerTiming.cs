namespace Quill.Peers;

/// <summary>The sync link's clock: how often an idle link proves it is alive, when a silent one is given up, how a
/// failed one backs off. A cut link is noticed within <see cref="Silence"/> on both sides.</summary>
internal static class PeerTiming
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Silence = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Connect = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
}
