using System.Net;
using Quill.Core.Configuration;
using Quill.Net.Forwarding;
using Quill.Net.Http;

namespace Quill.Hosting;

/// <summary>Which filter, if any, each new client's stream to the server goes through.</summary>
internal static class ClientStreamFilters
{
    /// <returns>Null when client bytes go to the server untouched.</returns>
    /// <param name="https">Whether clients reach quill over TLS (X-Forwarded-Proto: https).</param>
    public static Func<IPEndPoint?, IClientStreamFilter?>? For(QuillOptions options, bool https = false) =>
        options.HttpHeaders ? remote => new HttpRequestFilter(new ForwardedHeaders(remote?.Address, https)) : null;
}
