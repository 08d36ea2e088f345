using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// Loopback ports nobody listens on, taken from just below the kernel's ephemeral range. A port taken from inside that
/// range (the kernel's free port for a bind to 0) could be given to some outgoing connection as its local port before
/// the caller bound it ("address already in use" in a CI run); below it, only an explicit bind takes a port. Each
/// port is handed out once per test run, and each test process starts at its own place in the range.
/// </summary>
internal static class FreePorts
{
    private const int Attempts = 20;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly (int First, int Last) Range = BelowTheEphemeralRange();
    private static int _next = Range.First + Environment.ProcessId * 7919 % (Range.Last - Range.First + 1);

    /// <summary>A port free on 127.0.0.1 now; the caller binds it soon after.</summary>
    public static int Next() => Next(IPAddress.Loopback);

    public static int Next(IPAddress address)
    {
        lock (HandedOut)
        {
            for (var tried = 0; tried <= Range.Last - Range.First; tried++)
            {
                var port = _next;
                _next = port == Range.Last ? Range.First : port + 1;
                if (!HandedOut.Contains(port) && CanBind(address, port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"no free port left from {Range.First} to {Range.Last}");
    }

    private static bool CanBind(IPAddress address, int port)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>12,000 ports ending just below net.ipv4.ip_local_port_range's first (32768 by default).</summary>
    private static (int First, int Last) BelowTheEphemeralRange()
    {
        var low = 32768;
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            low = int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or an unreadable setting: the default.
        }
        var last = Math.Max(low - 1, 13_023);
        return (last - 12_000, last);
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
