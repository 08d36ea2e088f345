using System.Net;

namespace Quill.Net.Engine;

/// <summary>What a <see cref="RelayEngine"/> accepts for: it admits clients and owns what happens to them.</summary>
internal interface IRelayEngineHost
{
    /// <summary>False while -x connections are open: clients then wait in the kernel's listen backlog, as in pen.</summary>
    bool CanAccept { get; }

    /// <summary>tcp_nodelay as it stands: set on the listener, whose TCP_NODELAY every accepted socket inherits.</summary>
    bool ClientNoDelay { get; }

    /// <summary>A client was accepted (on the loop thread); the host now owns <paramref name="fd"/> (non-blocking).</summary>
    /// <param name="address">Null for a unix-socket client.</param>
    void Accepted(int fd, IPAddress? address, int port);

    /// <summary>A loop stopped accepting with clients ready because <see cref="CanAccept"/> said no (-x).</summary>
    void LimitReached();

    /// <summary>accept(2) failed with something other than "nothing to accept" (EMFILE...); accepting resumes shortly.</summary>
    void AcceptFailed(int errno);
}
