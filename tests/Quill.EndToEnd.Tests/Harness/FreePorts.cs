using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// Loopback ports nobody listens on, taken from the kernel's ephemeral range. The kernel may give the same free
/// port to two probes in a row (about once in 18,000 here), so a listen port and a control port, or two tests
/// running side by side, could be handed one port; each port is therefore handed out once per test run.
/// </summary>
internal static class FreePorts
{
    private const int Attempts = 20;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A port free on 127.0.0.1 now; the caller binds it soon after.</summary>
    public static int Next() => Next(IPAddress.Loopback);

    public static int Next(IPAddress address)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port)) return port;
            }
        }
        throw new InvalidOperationException($"no port not handed out before after {Attempts} attempts");
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
