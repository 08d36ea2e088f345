using System.Globalization;
using System.Net;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// The send and receive queues of loopback TCP sockets, read from /proc/net/tcp: a test that must know the balancer
/// has read everything a client sent (and so holds it or has passed it on) looks at both ends.
/// </summary>
internal static class TcpQueues
{
    /// <summary>Whether nothing sent from <paramref name="client"/> to <paramref name="balancer"/> waits unread in either socket.</summary>
    public static bool AllRead(IPEndPoint client, IPEndPoint balancer) =>
        Queues(client, balancer) is { Send: 0 } && Queues(balancer, client) is { Receive: 0 };

    /// <returns>Null when no IPv4 socket with these ends is open.</returns>
    private static (long Send, long Receive)? Queues(IPEndPoint local, IPEndPoint remote)
    {
        var (localHex, remoteHex) = (Hex(local), Hex(remote));
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length <= 4 || fields[1] != localHex || fields[2] != remoteHex) continue;
            var queues = fields[4].Split(':');
            return (long.Parse(queues[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(queues[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
        return null;
    }

    /// <summary>/proc/net/tcp prints an IPv4 address as one 32-bit word in host (little-endian) order.</summary>
    private static string Hex(IPEndPoint endpoint)
    {
        var bytes = endpoint.Address.MapToIPv4().GetAddressBytes();
        Array.Reverse(bytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Convert.ToHexString(bytes)}:{endpoint.Port:X4}");
    }
}
