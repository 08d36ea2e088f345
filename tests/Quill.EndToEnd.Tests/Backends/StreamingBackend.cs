using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// A backend for connections that live across a takeover. Each connection starts with a mode byte and a 4-byte id:
/// 'P' (ping) gets "pong" and a close; 'S' (stream) gets <see cref="FirstPart"/> bytes at once, then, when the test
/// calls <see cref="ReleaseSecondParts"/>, <see cref="SecondPart"/> more and a FIN; 'E' (early FIN) gets both parts and
/// the FIN at once. Meanwhile everything the client sends is read to its EOF. The SHA-256 of both directions is kept
/// by id, to compare with the client's. 'C' (continuous) echoes everything back until the client's EOF. Each ping's
/// id is remembered, so a test can tell which of several backends a client reached.
/// </summary>
internal sealed class StreamingBackend : IDisposable
{
    public const int FirstPart = 256 * 1024;
    public const int SecondPart = 256 * 1024;

    private readonly SocketAcceptor _acceptor;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<(string Received, string Sent)>> _digests = new();
    private readonly ConcurrentDictionary<int, bool> _pings = new();

    public StreamingBackend() => _acceptor = new SocketAcceptor([new IPEndPoint(IPAddress.Loopback, 0)], ServeAsync);

    public string Spec => $"127.0.0.1:{((IPEndPoint)_acceptor.LocalEndPoint).Port}";

    /// <summary>The bytes the backend sends on stream <paramref name="id"/>, the same every time.</summary>
    public static byte[] Bytes(int id, int part, int length)
    {
        var bytes = new byte[length];
        new Random(id * 2 + part).NextBytes(bytes);
        return bytes;
    }

    public void ReleaseSecondParts() => _release.TrySetResult();

    /// <summary>Whether ping <paramref name="id"/> came here.</summary>
    public bool Pinged(int id) => _pings.ContainsKey(id);

    /// <summary>SHA-256 (hex) of what stream <paramref name="id"/> received and sent, once both directions ended.</summary>
    public Task<(string Received, string Sent)> DigestsAsync(int id) => Digest(id).Task;

    public void Dispose() => _acceptor.Dispose();

    private TaskCompletionSource<(string, string)> Digest(int id) =>
        _digests.GetOrAdd(id, _ => new TaskCompletionSource<(string, string)>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        var header = new byte[5];
        for (var got = 0; got < header.Length;)
        {
            var read = await socket.ReceiveAsync(header.AsMemory(got), stopping);
            if (read == 0) return;
            got += read;
        }
        var id = BitConverter.ToInt32(header, 1);
        if (header[0] == (byte)'P')
        {
            _pings[id] = true;
            await socket.SendAsync("pong"u8.ToArray(), stopping);
            socket.Shutdown(SocketShutdown.Send);
            return;
        }
        if (header[0] == (byte)'C')
        {
            await EchoAsync(socket, stopping);
            return;
        }
        var receiving = ReceiveAllAsync(socket, stopping);
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var first = Bytes(id, 0, FirstPart);
        sent.AppendData(first);
        await socket.SendAsync(first, stopping);
        if (header[0] != (byte)'E') await _release.Task.WaitAsync(stopping);
        var second = Bytes(id, 1, SecondPart);
        sent.AppendData(second);
        await socket.SendAsync(second, stopping);
        socket.Shutdown(SocketShutdown.Send);
        Digest(id).TrySetResult((await receiving, Convert.ToHexString(sent.GetHashAndReset())));
    }

    private static async Task EchoAsync(Socket socket, CancellationToken stopping)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, stopping)) > 0) await socket.SendAsync(buffer.AsMemory(0, read), stopping);
        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task<string> ReceiveAllAsync(Socket socket, CancellationToken stopping)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, stopping)) > 0) hash.AppendData(buffer, 0, read);
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
