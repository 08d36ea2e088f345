using Quill.Core.Configuration;

namespace Quill.Net.Connections;

/// <summary>How one connection is relayed, decided when its server is connected.</summary>
/// <param name="Filter">Sees and may rewrite what the client sends (-H, the access log, -d 3 dumps); null: bytes pass untouched.</param>
/// <param name="IdleTimeout">idle_timeout as it stood at accept; zero: none. A half-closed connection is never idle-closed, as in pen.</param>
/// <param name="FastClose">tcp_fastclose: whose EOF ends the whole connection.</param>
/// <param name="Traffic">Where the relay counts the bytes it delivers.</param>
public sealed record RelayPlan(IClientStreamFilter? Filter, TimeSpan IdleTimeout, FastClose FastClose, TrafficCounter Traffic)
{
    /// <summary>The PROXY header to send the server before anything else; null: none.</summary>
    public Proxy.ProxyAnnouncement? Proxy { get; init; }

    /// <summary>Sees what the server answers (the HTTP status for the JSON access log); null: nothing watches.</summary>
    public IServerStreamObserver? Responses { get; init; }
}
