using System.Net;
using System.Net.Sockets;

namespace Quill.Net.Upstream;

/// <summary>Non-blocking connect to a backend with a timeout.</summary>
public static class UpstreamConnector
{
    /// <summary>Returns the connected socket, or null with the reason (refused, timed out, ...) in <paramref name="failure"/>.</summary>
    public static ValueTask<Socket?> ConnectAsync(EndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
