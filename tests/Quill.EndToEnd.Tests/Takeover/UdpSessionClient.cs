using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// One UDP client of the balancer, from one address and port, so one session: sends datagrams and matches each reply
/// (from a <see cref="Backends.UdpNamedEcho"/>: "server|datagram") to the datagram it answers, whenever it comes.
/// Counts the bytes both ways, to compare with the balancer's counters.
/// </summary>
internal sealed class UdpSessionClient : IDisposable
{
    private static readonly TimeSpan ReplyLimit = TimeSpan.FromSeconds(30);
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _replies = new(StringComparer.Ordinal);
    private readonly Task _receiving;
    private long _sent;
    private long _received;
    private int _refused;

    public UdpSessionClient(EndPoint balancer)
    {
        _socket.Connect(balancer);
        _receiving = Task.Run(ReceiveAsync);
    }

    public long BytesSent => Interlocked.Read(ref _sent);

    public long BytesReceived => Interlocked.Read(ref _received);

    /// <summary>ICMP port unreachable came back: a datagram reached no socket.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Sends <paramref name="datagram"/>; its reply is awaited with <see cref="ReplyToAsync"/>.</summary>
    public async Task SendAsync(string datagram)
    {
        _ = Waiter(datagram);
        var bytes = Encoding.ASCII.GetBytes(datagram);
        await _socket.SendAsync(bytes);
        Interlocked.Add(ref _sent, bytes.Length);
    }

    /// <summary>The name of the server that answered <paramref name="datagram"/>, once its reply has come.</summary>
    /// <exception cref="TimeoutException">No reply within 30 s: lost.</exception>
    public Task<string> ReplyToAsync(string datagram) => Waiter(datagram).Task.WaitAsync(ReplyLimit);

    /// <summary>Sends <paramref name="datagram"/> and returns the name of the server that answered it.</summary>
    public async Task<string> ExchangeAsync(string datagram)
    {
        await SendAsync(datagram);
        return await ReplyToAsync(datagram);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _receiving.Wait(TimeSpan.FromSeconds(5));
    }

    private TaskCompletionSource<string> Waiter(string datagram) =>
        _replies.GetOrAdd(datagram, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task ReceiveAsync()
    {
        var buffer = new byte[65536];
        while (true)
        {
            int got;
            try
            {
                got = await _socket.ReceiveAsync(buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                Interlocked.Increment(ref _refused);
                continue;
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Add(ref _received, got);
            var reply = Encoding.ASCII.GetString(buffer, 0, got);
            var bar = reply.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0) Waiter(reply[(bar + 1)..]).TrySetResult(reply[..bar]);
        }
    }
}
