using System.Net;
using Quill.Core.Model;
using Quill.Net.Connections;
using Quill.Net.Http;
using Quill.Operations;

namespace Quill.Hosting;

/// <summary>
/// The filter a new client's stream to the server goes through: one HTTP request parser serves both -H (which
/// rewrites) and the access log (which only follows the requests); -d 3 dumps see what the client sent.
/// </summary>
internal sealed class ClientStreamFilters(SessionReporting reporting, BalancerCounters counters) : IClientStreamFilters
{
    public IClientStreamFilter? For(IPAddress? client, EndPoint server, bool httpHeaders, bool https, RequestLineHandler? lifecycle = null)
    {
        var onRequest = reporting.RequestLog(client, server);
        if (httpHeaders)
        {
            var logged = onRequest;
            onRequest = line =>
            {
                counters.HttpRequestSeen();
                logged?.Invoke(line);
                lifecycle?.Invoke(line);
            };
        }
        var requests = httpHeaders || onRequest is not null
            ? new HttpRequestFilter(httpHeaders ? new ForwardedHeaders(client, https) : null, onRequest)
            : null;
        return reporting.Dump(client, requests);
    }
}
