using System.Net;

namespace Quill.Core.Selection;

/// <summary>One client connection's way through selection and failover; owned by that connection.</summary>
public struct ConnectionAttempt
{
    /// <summary>Index of the server to connect to now (a <see cref="Model.ServerIndex"/> value when special).</summary>
    public int Server { get; internal set; }
    /// <summary>Where to connect; null when no server accepts (the client is then closed).</summary>
    public EndPoint? ServerEndPoint { get; internal set; }
}
