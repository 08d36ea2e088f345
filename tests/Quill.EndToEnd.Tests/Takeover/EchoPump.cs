using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// A client that keeps sending through the balancer to a <see cref="Backends.StreamingBackend"/> in echo mode ('C')
/// and checks every byte that comes back against what it sent (a pattern of its own), over TCP or TLS, until stopped;
/// then it sends its FIN and expects the server's after the last echo.
/// </summary>
internal sealed class EchoPump : IAsyncDisposable
{
    private const int Chunk = 2048;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(10);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly int _id;
    private readonly Task _pumping;
    private volatile bool _stopping;
    private long _echoed;

    private EchoPump(Socket socket, Stream stream, int id)
    {
        (_socket, _stream, _id) = (socket, stream, id);
        _pumping = Task.Run(PumpAsync);
    }

    /// <summary>Bytes sent and echoed back intact so far.</summary>
    public long Echoed => Interlocked.Read(ref _echoed);

    /// <summary>What went wrong, once the pump has stopped on its own (EOF, reset, a wrong byte); null while all is well.</summary>
    public string? Failure { get; private set; }

    /// <param name="source">The client address to connect from (sticky clients); null: any.</param>
    public static async Task<EchoPump> OpenAsync(EndPoint balancer, int id, IPAddress? source = null, bool tls = false)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (source is not null) socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(balancer).WaitAsync(TimeSpan.FromSeconds(20));
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (tls)
            {
                var secure = new SslStream(stream, false, (_, _, _, _) => true);
                await secure.AuthenticateAsClientAsync("localhost").WaitAsync(TimeSpan.FromSeconds(20));
                stream = secure;
            }
            await stream.WriteAsync((byte[])[(byte)'C', .. BitConverter.GetBytes(id)]);
            return new EchoPump(socket, stream, id);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Waits until at least <paramref name="more"/> bytes more than now have come back (bounded).</summary>
    public async Task<bool> AdvancesAsync(long more = Chunk)
    {
        var target = Echoed + more;
        return await Harness.Eventually.TrueAsync(() => Echoed >= target || _pumping.IsCompleted, TimeSpan.FromSeconds(30))
            && Echoed >= target;
    }

    /// <summary>Stops after the round trip in progress, sends FIN, and checks the server's FIN follows; the failure or null.</summary>
    public async Task<string?> StopAsync()
    {
        _stopping = true;
        await _pumping.WaitAsync(TimeSpan.FromSeconds(30));
        if (Failure is not null) return Failure;
        try
        {
            if (_stream is SslStream secure) await secure.ShutdownAsync();
            _socket.Shutdown(SocketShutdown.Send);
            var rest = await _stream.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            return rest == 0 ? null : $"pump {_id}: a byte after the last echo";
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException)
        {
            return $"pump {_id}: closing: {e.Message}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _socket.Dispose();
        await _pumping.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        await _stream.DisposeAsync();
    }

    private byte Expected(long position) => (byte)((position * 7 + _id * 13) % 251);

    private async Task PumpAsync()
    {
        var sent = new byte[Chunk];
        var back = new byte[Chunk];
        long position = 0;
        try
        {
            while (!_stopping)
            {
                for (var i = 0; i < Chunk; i++) sent[i] = Expected(position + i);
                await _stream.WriteAsync(sent);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _stream.ReadExactlyAsync(back, timeout.Token);
                if (!back.AsSpan().SequenceEqual(sent))
                {
                    Failure = $"pump {_id}: wrong bytes after {position}";
                    return;
                }
                position += Chunk;
                Interlocked.Exchange(ref _echoed, position);
                await Task.Delay(Pace);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stopping) Failure = $"pump {_id}: {e.GetType().Name}: {e.Message} after {position} bytes";
        }
    }
}
