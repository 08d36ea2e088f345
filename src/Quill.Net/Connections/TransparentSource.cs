using System.Net;
using System.Net.Sockets;
using Quill.Net.Diagnostics;

namespace Quill.Net.Connections;

/// <summary>transparent: the client's address as the source of its server connection. IP_TRANSPARENT exists for
/// IPv4 here, as in pen; any other pairing is logged, as pen does, and connects from quill's own address.</summary>
internal static class TransparentSource
{
    private const string Incompatible = "No transparency for incompatible families";

    /// <summary>The client's IPv4 address (an IPv4-mapped client counts), or null after logging why not.</summary>
    public static IPAddress? For(IPAddress? client, IDebugLog log)
    {
        var address = client is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : client;
        if (address?.AddressFamily == AddressFamily.InterNetwork) return address;
        log.Write(0, Incompatible);
        return null;
    }

    /// <summary><paramref name="from"/> when the server is IPv4 too; otherwise null, logged.</summary>
    public static IPAddress? Fits(IPAddress? from, EndPoint server, IDebugLog log)
    {
        if (from is null || server.AddressFamily == AddressFamily.InterNetwork) return from;
        log.Write(0, Incompatible);
        return null;
    }
}
