using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>A balancer's listen address: the text for its command line and the endpoint clients connect to.</summary>
internal sealed record ListenAddress(string Argument, EndPoint Endpoint)
{
    public static ListenAddress Loopback(int port) =>
        new($"127.0.0.1:{port}", new IPEndPoint(IPAddress.Loopback, port));

    /// <summary>pen's own form for IPv6: split at the last colon.</summary>
    public static ListenAddress Ipv6Unbracketed(int port) =>
        new($"::1:{port}", new IPEndPoint(IPAddress.IPv6Loopback, port));

    /// <summary>The bracketed form, which quill accepts and pen 0.34.1 dies on.</summary>
    public static ListenAddress Ipv6Bracketed(int port) =>
        new($"[::1]:{port}", new IPEndPoint(IPAddress.IPv6Loopback, port));

    /// <summary>A bare port: every IPv4 address; clients come in over 127.0.0.1.</summary>
    public static ListenAddress BarePort(int port) =>
        new(port.ToString(System.Globalization.CultureInfo.InvariantCulture), new IPEndPoint(IPAddress.Loopback, port));

    public static ListenAddress Unix(string path) => new(path, new UnixDomainSocketEndPoint(path));

    public override string ToString() => Argument;
}
