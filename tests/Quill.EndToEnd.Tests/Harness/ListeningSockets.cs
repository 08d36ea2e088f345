using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// Whether the kernel has a listening socket for an endpoint, read from /proc/net. Readiness is checked this
/// way rather than with a probe connection because a probe is a client too: it would use up a balancing
/// decision (the first round-robin pick) and a sticky client slot before the test starts. Given a process id,
/// only a socket that process holds counts: a port matched by number alone may be another process's, or the
/// same process's control port on a port handed out twice.
/// </summary>
internal static class ListeningSockets
{
    private const string TcpListenState = "0A";
    private const int UnixAcceptingFlag = 0x10000;

    public static bool IsListening(EndPoint endpoint) => IsListening(endpoint, _ => true);

    /// <summary>Whether process <paramref name="pid"/> itself holds a socket listening on the endpoint.</summary>
    public static bool IsListeningIn(int pid, EndPoint endpoint) => IsListening(endpoint, SocketInodes(pid).Contains);

    private static bool IsListening(EndPoint endpoint, Func<string, bool> owned) => endpoint switch
    {
        IPEndPoint ip => IsTcpListening(ip.AddressFamily == AddressFamily.InterNetworkV6 ? "/proc/net/tcp6" : "/proc/net/tcp", ip.Port, owned),
        UnixDomainSocketEndPoint unix => IsUnixListening(unix.ToString(), owned),
        _ => throw new ArgumentException($"unsupported endpoint {endpoint}", nameof(endpoint)),
    };

    /// <summary>The local addresses of the listening TCP sockets on a port, IPv4 and IPv6 (0.0.0.0 or :: for all).</summary>
    public static IReadOnlyList<IPAddress> Addresses(int port) =>
        [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }.SelectMany(table => TcpListeners(table, port)).Select(l => KernelAddress(l.Address))];

    /// <summary>/proc/net/tcp(6) prints an address as 32-bit words in host (little-endian) order.</summary>
    private static IPAddress KernelAddress(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4) Array.Reverse(bytes, word, 4);
        return new IPAddress(bytes);
    }

    private static bool IsTcpListening(string table, int port, Func<string, bool> owned) =>
        TcpListeners(table, port).Any(l => owned(l.Inode));

    /// <summary>The listening sockets of a /proc/net/tcp(6) table on a port: local address (hex) and inode.</summary>
    private static IEnumerable<(string Address, string Inode)> TcpListeners(string table, int port)
    {
        var wantedPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines(table).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && fields[3] == TcpListenState && fields[1].EndsWith(wantedPort, StringComparison.Ordinal))
                yield return (fields[1][..fields[1].IndexOf(':', StringComparison.Ordinal)], fields[9]);
        }
    }

    private static bool IsUnixListening(string path, Func<string, bool> owned)
    {
        foreach (var line in File.ReadLines("/proc/net/unix").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 7 && BoundAt(fields[7], path)
                && (int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & UnixAcceptingFlag) != 0
                && owned(fields[6]))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a unix socket bound to <paramref name="name"/> serves <paramref name="path"/>: quill binds PATH.PID and
    /// renames it onto the path once listening, and /proc/net/unix goes on naming the socket by the name it was bound
    /// to; the file must be there too.
    /// </summary>
    private static bool BoundAt(string name, string path) =>
        name == path
        || name.Length > path.Length + 1 && name.StartsWith(path + ".", StringComparison.Ordinal)
            && !name.AsSpan(path.Length + 1).ContainsAnyExceptInRange('0', '9') && File.Exists(path);

    /// <summary>The inode numbers of the sockets a process holds, from its /proc/PID/fd links ("socket:[N]").</summary>
    public static HashSet<string> SocketInodes(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                    inodes.Add(target["socket:[".Length..^1]);
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            // The process has exited, or a descriptor closed while we looked: what was read so far is the answer.
        }
        return inodes;
    }
}
