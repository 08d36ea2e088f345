using System.Net;
using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// One client connection's way through selection and failover; owned by that connection and handed back to the
/// selector's FailOver, Connected and Finished.
/// </summary>
public struct ConnectionAttempt
{
    /// <summary>Index of the server to connect to now (a <see cref="ServerIndex"/> value when special).</summary>
    public int Server { get; internal set; }
    /// <summary>Where to connect; null when no server accepts (the client is then closed).</summary>
    public EndPoint? ServerEndPoint { get; internal set; }
    /// <summary>pen's initial server: the pick before any failover; failover scans up to it.</summary>
    public int InitialServer { get; internal set; }

    /// <summary>The client's address (null for unix clients), for server ACLs and status lines.</summary>
    public IPAddress? Client { get; internal set; }

    /// <summary>The server's last failure as it stood when this attempt chose it: its success clears only that one.</summary>
    internal DateTimeOffset? ServerFailedAt { get; set; }

    /// <summary>True while this attempt holds one of <see cref="Server"/>'s connections.</summary>
    internal bool HoldsServer { get; set; }
    /// <summary>Denied by client_acl: only the abuse server may take it, never a failover.</summary>
    internal bool Denied { get; set; }
    /// <summary>pen's client table slot of this connection (shown by <c>connection N</c>).</summary>
    public int ClientSlot { get; internal set; }
    internal int ClientGeneration { get; set; }
}
