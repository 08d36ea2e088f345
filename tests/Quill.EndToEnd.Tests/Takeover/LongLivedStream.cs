using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Quill.EndToEnd.Tests.Backends;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>How a long-lived connection stands when the takeover comes.</summary>
internal enum StreamShape
{
    /// <summary>Data flowing both ways before and after.</summary>
    BothOpen,

    /// <summary>The client has sent everything and its FIN before; the server sends on after.</summary>
    ClientFinishedEarly,

    /// <summary>The server has sent everything and its FIN before; the client sends on after.</summary>
    ServerFinishedEarly,
}

/// <summary>
/// One client of a <see cref="StreamingBackend"/> through the balancer: sends its first part, and for
/// <see cref="StreamShape.ClientFinishedEarly"/> all of it and a FIN, before the takeover; the rest after. A lazy
/// reader reads nothing until after the takeover, so the server's bytes wait in the balancer and the kernel.
/// </summary>
internal sealed class LongLivedStream : IDisposable
{
    private const int PartLength = 192 * 1024;

    private readonly Socket _socket;
    private readonly IncrementalHash _sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Task<(string Digest, long Length)>? _reading;

    private LongLivedStream(Socket socket, int id, StreamShape shape)
    {
        (_socket, Id, Shape) = (socket, id, shape);
    }

    public int Id { get; }
    public StreamShape Shape { get; }

    /// <summary>Bytes this client sends in all, header included (what the server's sx grows by).</summary>
    public static long BytesToServer => 5 + 2L * PartLength;

    public static async Task<LongLivedStream> OpenAsync(EndPoint balancer, int id, StreamShape shape, bool lazyReader)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(balancer);
        var stream = new LongLivedStream(socket, id, shape);
        byte[] header = [shape == StreamShape.ServerFinishedEarly ? (byte)'E' : (byte)'S', .. BitConverter.GetBytes(id)];
        // The header is the backend's instruction, not part of the stream it hashes.
        await socket.SendAsync(header);
        await stream.SendAsync(Part(id, 0));
        if (shape == StreamShape.ClientFinishedEarly)
        {
            await stream.SendAsync(Part(id, 1));
            socket.Shutdown(SocketShutdown.Send);
        }
        if (!lazyReader) stream.StartReading();
        return stream;
    }

    /// <summary>After the takeover: the rest of the client's bytes, its FIN, and everything read to the server's FIN.</summary>
    public async Task<(string Sent, string Received, long ReceivedLength)> FinishAsync()
    {
        if (Shape != StreamShape.ClientFinishedEarly)
        {
            await SendAsync(Part(Id, 1));
            _socket.Shutdown(SocketShutdown.Send);
        }
        StartReading();
        var (received, length) = await _reading!;
        return (Convert.ToHexString(_sent.GetHashAndReset()), received, length);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _sent.Dispose();
    }

    private static byte[] Part(int id, int part) => StreamingBackend.Bytes(1000 + id, part, PartLength);

    private async Task SendAsync(byte[] bytes)
    {
        _sent.AppendData(bytes);
        await _socket.SendAsync(bytes);
    }

    private void StartReading() => _reading ??= ReadAllAsync();

    private async Task<(string, long)> ReadAllAsync()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await _socket.ReceiveAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }
        return (Convert.ToHexString(hash.GetHashAndReset()), total);
    }
}
