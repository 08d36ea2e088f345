using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.Net.Tests.Udp;

/// <summary>A UDP backend on loopback that answers each datagram with "name port payload", where port is the
/// sender's port (so a test sees which upstream socket quill used), optionally more than once.</summary>
internal sealed class UdpNameServer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();

    public UdpNameServer(string name, int replies = 1)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _ = ServeAsync(name, replies);
    }

    public IPEndPoint EndPoint { get; }

    public int Received;

    private async Task ServeAsync(string name, int replies)
    {
        var buffer = new byte[65535];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                Interlocked.Increment(ref Received);
                var from = (IPEndPoint)result.RemoteEndPoint;
                var reply = Encoding.ASCII.GetBytes($"{name} {from.Port} {Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes)}");
                for (var i = 0; i < replies; i++) await _socket.SendToAsync(reply, SocketFlags.None, from);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    /// <summary>Closes the port: datagrams to it now get ICMP port unreachable.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }
}
