using System.Net;
using System.Net.Sockets;

namespace Quill.Ctl;

/// <summary>penctl's address forms: a unix socket path (contains '/'), or host:port split at the last colon.</summary>
internal static class ControlAddress
{
    /// <exception cref="ArgumentException">One line naming the address.</exception>
    public static EndPoint Parse(string text)
    {
        if (text.Contains('/')) return new UnixDomainSocketEndPoint(text);
        var colon = text.LastIndexOf(':');
        if (colon < 0) throw new ArgumentException($"no port given in '{text}'");
        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"invalid port in '{text}'");
        if (host.Length == 0) host = "127.0.0.1";
        return IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : new DnsEndPoint(host, port);
    }
}
