using System.Net;
using Quill.Net.Forwarding;
using Quill.Net.Http;

namespace Quill.Hosting;

/// <summary>The filter each new client's stream to the server goes through: reporting (access log, data dumps) sees
/// what the client sent, then -H rewrites it.</summary>
internal static class ClientStreamFilters
{
    /// <returns>Null when client bytes go to the server untouched.</returns>
    /// <param name="https">Whether the client reached quill over TLS (X-Forwarded-Proto: https).</param>
    public static IClientStreamFilter? For(IClientStreamFilter? reporting, bool httpHeaders, IPAddress? client, bool https)
    {
        if (!httpHeaders) return reporting;
        var forwarded = new HttpRequestFilter(new ForwardedHeaders(client, https));
        return reporting is null ? forwarded : new ClientStreamFilterChain(reporting, forwarded);
    }
}
