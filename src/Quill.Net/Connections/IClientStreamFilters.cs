using System.Net;

namespace Quill.Net.Connections;

/// <summary>Makes the filter a new connection's client stream goes through (-H, the access log, -d 3 dumps).</summary>
public interface IClientStreamFilters
{
    /// <returns>Null when the client's bytes go to the server untouched.</returns>
    /// <param name="httpHeaders">-H as it stood when the client came.</param>
    /// <param name="https">Whether the client reached quill over TLS (X-Forwarded-Proto: https).</param>
    /// <param name="onRequest">The lifecycle's own interest in each -H request line (the JSON access log); null for none.</param>
    IClientStreamFilter? For(IPAddress? client, EndPoint server, bool httpHeaders, bool https, Http.RequestLineHandler? onRequest = null);
}
