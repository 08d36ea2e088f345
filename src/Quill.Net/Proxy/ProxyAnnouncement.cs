using System.Net;
using Quill.Core.Proxy;

namespace Quill.Net.Proxy;

/// <summary>The PROXY header one server connection gets, decided by the lifecycle when the server is connected; the
/// transport writes it first, before any client byte, adding the TLS details when it terminated TLS.</summary>
/// <param name="Source">The client (as a front balancer announced it, with accept_proxy); null for a unix client.</param>
/// <param name="Destination">The address the client connected to; null for a unix listener.</param>
public sealed record ProxyAnnouncement(ProxyVersion Version, IPEndPoint? Source, IPEndPoint? Destination)
{
    public byte[] Encode(ProxyTlsDetails? tls = null) => ProxyHeaderWriter.Write(Version, Source, Destination, tls);
}
