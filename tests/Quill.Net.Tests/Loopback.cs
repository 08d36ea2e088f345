using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Quill.Net.Tests;

/// <summary>Real loopback sockets for tests, with a bound on every wait.</summary>
internal static class Loopback
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A connected TCP pair on 127.0.0.1: (connecting side, accepted side).</summary>
    public static async Task<(Socket Connector, Socket Accepted)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var connector = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await connector.ConnectAsync(listener.LocalEndPoint!).WaitAsync(Timeout);
        return (connector, await accept.WaitAsync(Timeout));
    }

    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, bool shutdown)
    {
        const int chunk = 64 * 1024;
        for (var offset = 0; offset < data.Length;)
        {
            var length = Math.Min(chunk, data.Length - offset);
            offset += await socket.SendAsync(data.Slice(offset, length), SocketFlags.None).AsTask().WaitAsync(Timeout);
        }

        if (shutdown)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>Reads until EOF; returns every byte received.</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket, int limit = 64 * 1024 * 1024)
    {
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (received.Length <= limit)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Timeout);
            if (n == 0)
            {
                return received.ToArray();
            }

            received.Write(buffer, 0, n);
        }

        throw new InvalidOperationException($"more than {limit} bytes before EOF");
    }

    /// <summary>Reads until EOF; returns the SHA-256 of the stream and its length, without keeping it.</summary>
    public static async Task<(byte[] Hash, long Length)> HashToEndAsync(Socket socket, long limit)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        while (length <= limit)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Timeout);
            if (n == 0)
            {
                return (hash.GetHashAndReset(), length);
            }

            hash.AppendData(buffer, 0, n);
            length += n;
        }

        throw new InvalidOperationException($"more than {limit} bytes before EOF");
    }

    /// <summary>True once the peer has closed or reset: a receive returns EOF or fails (data still in flight is skipped).</summary>
    public static async Task<bool> SeesClosedAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            for (var reads = 0; reads < 100_000; reads++)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Timeout) == 0)
                {
                    return true;
                }
            }

            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>Closes with RST instead of FIN.</summary>
    public static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Dispose();
    }

    public static Socket ListenUnix(UnixDomainSocketEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(endPoint);
        socket.Listen(10);
        return socket;
    }
}
