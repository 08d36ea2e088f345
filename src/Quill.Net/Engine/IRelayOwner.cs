using System.Net;

namespace Quill.Net.Engine;

/// <summary>What a <see cref="Relay"/> tells the balancer: selection, failover, counting and the registry live there.</summary>
public interface IRelayOwner
{
    /// <summary>The connect to the server succeeded; bytes start to flow.</summary>
    void Connected(Relay relay);

    /// <summary>The connect failed (errno, or ETIMEDOUT for -t): where to try next, or null to give up and close.</summary>
    EndPoint? ConnectFailed(Relay relay, int errno);

    /// <summary>Both sockets are closed; called exactly once.</summary>
    void Closed(Relay relay, long bytesToServer, long bytesToClient);
}
