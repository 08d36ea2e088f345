using System.Globalization;

namespace Quill.EndToEnd.Tests.Udp;

/// <summary>Whether a UDP socket is bound to a port on 127.0.0.1, read from /proc/net/udp (no probe datagram, which
/// would be a client of the balancer and use up a decision).</summary>
internal static class BoundUdpPorts
{
    private const string Loopback = "0100007F";

    public static bool IsBound(int port) => IsBound(port, _ => true);

    /// <summary>Whether process <paramref name="pid"/> itself holds the socket bound to the port.</summary>
    public static bool IsBoundIn(int pid, int port) => IsBound(port, Harness.ListeningSockets.SocketInodes(pid).Contains);

    private static bool IsBound(int port, Func<string, bool> owned)
    {
        var local = $"{Loopback}:{port.ToString("X4", CultureInfo.InvariantCulture)}";
        return File.ReadLines("/proc/net/udp").Skip(1)
            .Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var address, _, _, _, _, _, _, _, var inode, ..]
                && address == local && owned(inode));
    }

    public static async Task WaitAsync(int port, Func<bool> failed, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!IsBound(port))
        {
            if (failed()) throw new InvalidOperationException($"{what} exited before binding UDP port {port}");
            if (clock.Elapsed > TimeSpan.FromSeconds(15)) throw new TimeoutException($"{what} not bound to UDP port {port}");
            await Task.Delay(20);
        }
    }
}
