using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// A UDP server that answers every datagram with its name, "|" and the datagram, to the address it came from, so a
/// client can tell which server its session goes to. Datagrams starting with "hold" are answered only once
/// <see cref="ReleaseHeld"/> is called: replies that leave the server when the test chooses (after a takeover, say).
/// </summary>
internal sealed class UdpNamedEcho : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(byte[] Reply, EndPoint To)> _held = [];
    private readonly Task _loop;

    public UdpNamedEcho(string name)
    {
        Name = name;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(ServeAsync);
    }

    public string Name { get; }

    /// <summary>The server argument for the balancer's command line.</summary>
    public string Spec => $"127.0.0.1:{((IPEndPoint)_socket.LocalEndPoint!).Port}";

    public int Held
    {
        get
        {
            lock (_held) return _held.Count;
        }
    }

    /// <summary>Sends every held reply now.</summary>
    public void ReleaseHeld()
    {
        lock (_held)
        {
            foreach (var (reply, to) in _held) _socket.SendTo(reply, to);
            _held.Clear();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped while receiving.
        }
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[65536];
        var prefix = Encoding.ASCII.GetBytes(Name + "|");
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            byte[] reply = [.. prefix, .. buffer.AsSpan(0, received.ReceivedBytes)];
            if (buffer.AsSpan(0, received.ReceivedBytes).StartsWith("hold"u8))
            {
                lock (_held) _held.Add((reply, received.RemoteEndPoint));
                continue;
            }
            await _socket.SendToAsync(reply, received.RemoteEndPoint);
        }
    }
}
