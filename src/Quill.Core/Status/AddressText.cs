using System.Net;
using System.Net.Sockets;

namespace Quill.Core.Status;

/// <summary>An address as pen prints it in logs and status pages: the IP without port, or the socket path.</summary>
public static class AddressText
{
    public static string Of(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => Of(ip.Address),
        DnsEndPoint dns => dns.Host,
        UnixDomainSocketEndPoint unix => unix.ToString(),
        null => "0.0.0.0",
        _ => endPoint.ToString() ?? "",
    };

    /// <summary>An IPv4-mapped IPv6 client shows as plain IPv4, as pen (listening on IPv4) would see it.</summary>
    public static string Of(IPAddress? address) => address switch
    {
        null => "0.0.0.0",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };
}
