using System.Net;
using Quill.Net.Forwarding;
using Quill.Net.Http;
using Quill.Operations;

namespace Quill.Hosting;

/// <summary>
/// The filter a new client's stream to the server goes through: one HTTP request parser serves both -H (which
/// rewrites) and the access log (which only follows the requests); -d 3 dumps see what the client sent.
/// </summary>
internal static class ClientStreamFilters
{
    /// <returns>Null when client bytes go to the server untouched.</returns>
    /// <param name="https">Whether the client reached quill over TLS (X-Forwarded-Proto: https).</param>
    public static IClientStreamFilter? For(SessionReporting reporting, bool httpHeaders, IPAddress? client, EndPoint server, bool https)
    {
        var onRequest = reporting.RequestLog(client, server);
        var requests = httpHeaders || onRequest is not null
            ? new HttpRequestFilter(httpHeaders ? new ForwardedHeaders(client, https) : null, onRequest)
            : null;
        return reporting.Dump(client, requests);
    }
}
