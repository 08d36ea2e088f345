using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Quill.Core.AccessLog;

namespace Quill.Net.AccessLog;

/// <summary>-l host:port: one UDP datagram per entry to a penlogd, in pen's format.</summary>
internal sealed class PenlogdSink : IAccessLogSink
{
    private readonly Socket _socket;

    private PenlogdSink(Socket socket) => _socket = socket;

    /// <summary>pen's test: a target with a colon that is not a path is a penlogd address.</summary>
    public static bool IsRemote(string target) => target.Contains(':', StringComparison.Ordinal) && !target.StartsWith('/');

    /// <exception cref="ArgumentException">The host has no IPv4 address or the port is not a number (one-line message).</exception>
    public static PenlogdSink Connect(string target)
    {
        var colon = target.LastIndexOf(':');
        var host = target[..colon];
        if (!int.TryParse(target[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"invalid penlogd port in '{target}'");
        // pen resolves with gethostbyname: IPv4 only.
        var address = IPAddress.TryParse(host, out var literal) && literal.AddressFamily == AddressFamily.InterNetwork
            ? literal
            : Resolve(host, target);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(address, port));
        return new PenlogdSink(socket);
    }

    public void Write(in AccessLogEntry entry)
    {
        try
        {
            _socket.Send(entry.ToDatagram());
        }
        catch (SocketException)
        {
            // penlogd not running (ICMP refused): datagrams are best effort, as in pen.
        }
    }

    public void Flush() { }

    public void Reopen() { }

    public void Dispose() => _socket.Dispose();

    private static IPAddress Resolve(string host, string target)
    {
        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new ArgumentException($"penlogd host '{host}' in '{target}' has no IPv4 address");
        }
        catch (SocketException)
        {
            throw new ArgumentException($"unknown penlogd host '{host}' in '{target}'");
        }
    }
}
