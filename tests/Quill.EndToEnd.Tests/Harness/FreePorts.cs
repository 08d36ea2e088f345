using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>Loopback ports nobody listens on, taken from the kernel's ephemeral range.</summary>
internal static class FreePorts
{
    private const int Attempts = 20;

    /// <summary>A port free on 127.0.0.1 now; the caller binds it soon after.</summary>
    public static int Next() => Next(IPAddress.Loopback);

    public static int Next(IPAddress address)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>A port free on both 127.0.0.1 and ::1, for servers given by the name localhost.</summary>
    public static int NextOnBothLoopbacks()
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var port = Next(IPAddress.Loopback);
            using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken on ::1: try another.
            }
        }
        throw new InvalidOperationException($"no port free on both loopbacks after {Attempts} attempts");
    }
}
