using System.Buffers;
using System.Net;
using Quill.Net.Connections;
using Quill.Net.Http;

namespace Quill.Net.Tests.Connections;

/// <summary>-H as quill wires it: every client stream through an <see cref="HttpRequestFilter"/> adding the forwarded headers.</summary>
internal sealed class ForwardedForFilters(ArrayPool<byte>? pool = null) : IClientStreamFilters
{
    public IClientStreamFilter? For(IPAddress? client, EndPoint server, bool httpHeaders, bool https, RequestLineHandler? onRequest = null) =>
        httpHeaders ? new HttpRequestFilter(new ForwardedHeaders(client, https), onRequest, pool ?? ArrayPool<byte>.Shared) : null;
}
