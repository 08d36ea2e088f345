using System.Net;
using Quill.Net.Listening;

namespace Quill.Net.Web;

/// <summary>
/// The read-only observation endpoint (web_listen): a small HTTP/1.1 server for GET and HEAD, one request per
/// connection, with bounded head size, time and connection count. It runs on the thread pool, never on the event
/// loops that relay client traffic.
/// Quill's own rather than Kestrel, which measured slower to start and larger for this job (README, "Watching Quill";
/// bench/results/web-endpoint.md).
/// </summary>
public sealed class WebServer : IDisposable
{
    private readonly ServiceListener _listener;

    private WebServer(ServiceListener listener) => _listener = listener;

    /// <summary>Where the server listens; with port 0 this holds the port actually bound.</summary>
    public EndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <param name="isPermitted">web_acl; gets null for a unix-socket peer. A denied peer is closed with no answer.</param>
    /// <param name="handle">Answers one request; may be called from several threads at once.</param>
    /// <exception cref="System.Net.Sockets.SocketException">When the address is in use or cannot be bound.</exception>
    public static WebServer Start(EndPoint endPoint, Func<IPAddress?, bool> isPermitted, Func<PageRequest, PageResponse> handle,
        WebServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(isPermitted);
        ArgumentNullException.ThrowIfNull(handle);
        options ??= new WebServerOptions();
        var session = new WebSession(isPermitted, handle, options);
        return new WebServer(ServiceListener.Start(endPoint, options.Backlog, options.MaxConnections, options.TimeProvider,
            session.RunAsync));
    }

    public void Dispose() => _listener.Dispose();
}
