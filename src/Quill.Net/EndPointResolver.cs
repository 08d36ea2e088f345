using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;

namespace Quill.Net;

/// <summary>Turns listen and server specs into socket endpoints (first address, resolved once, like pen).</summary>
public static class EndPointResolver
{
    /// <exception cref="ArgumentException">One line naming the spec when the host cannot be resolved.</exception>
    public static EndPoint ResolveListen(ListenSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Resolve(spec.Text, spec.Host, spec.Port, spec.UnixPath);
    }

    /// <exception cref="ArgumentException">One line naming the spec when the host cannot be resolved.</exception>
    public static EndPoint ResolveServer(ServerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Resolve(spec.Text, spec.Host, spec.Port, spec.UnixPath);
    }

    /// <summary>A server address from a control command (<c>server N address A</c>): a path is a unix socket.</summary>
    /// <returns>Null when it cannot be resolved; <paramref name="error"/> then says why in one line.</returns>
    public static EndPoint? TryResolveServer(string address, int port, out string error)
    {
        ArgumentNullException.ThrowIfNull(address);
        error = "";
        var unix = address.Contains('/', StringComparison.Ordinal);
        try
        {
            return ResolveServer(new ServerSpec(address, unix ? null : address, port, unix ? address : null));
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static EndPoint Resolve(string text, string? host, int port, string? unixPath)
    {
        if (unixPath is not null)
        {
            try
            {
                return new UnixDomainSocketEndPoint(unixPath);
            }
            catch (ArgumentException)
            {
                // Longer than sun_path (108 bytes on Linux) or empty.
                throw Invalid(text);
            }
        }

        if (string.IsNullOrEmpty(host) || port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw Invalid(text);
        }

        return new IPEndPoint(FirstAddress(host, text), port);
    }

    private static IPAddress FirstAddress(string host, string text)
    {
        // Literals never go to the resolver, so "0.0.0.0" stays the IPv4 wildcard and "::1" stays IPv6.
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.Length > 0 ? addresses[0] : throw Invalid(text);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            throw Invalid(text);
        }
    }

    private static ArgumentException Invalid(string text) => new($"unknown or invalid address [{text}]");
}
