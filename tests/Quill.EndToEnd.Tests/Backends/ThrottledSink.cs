using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// A backend that reads slowly, or not at all until told: it reads nothing until <see cref="Release"/> (at once when
/// made released), then at most <c>bytesPerSecond</c>, hashing what it reads until the client's end.
/// </summary>
internal sealed class ThrottledSink : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly SocketAcceptor _acceptor;
    private readonly long _bytesPerSecond;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(byte[] Sha256, long Length)> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _readSoFar;

    /// <param name="bytesPerSecond">The most it reads a second once released.</param>
    /// <param name="released">Reads from the start; else only after <see cref="Release"/>.</param>
    public ThrottledSink(long bytesPerSecond, bool released)
    {
        _bytesPerSecond = bytesPerSecond;
        if (released) Release();
        _acceptor = new SocketAcceptor([new IPEndPoint(IPAddress.Loopback, 0)], ServeAsync);
    }

    public string Spec => $"127.0.0.1:{((IPEndPoint)_acceptor.LocalEndPoint).Port}";

    public int Accepted => _acceptor.Accepted;

    /// <summary>The hash and length of what the first connection received, once the client closed its side.</summary>
    public Task<(byte[] Sha256, long Length)> Received => _received.Task;

    /// <summary>The bytes the first connection has read so far.</summary>
    public long ReadSoFar => Interlocked.Read(ref _readSoFar);

    public void Release() => _released.TrySetResult();

    private async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        await _released.Task.WaitAsync(stopping).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        var clock = Stopwatch.StartNew();
        long length = 0;
        while (true)
        {
            var read = await connection.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false);
            if (read == 0) break;
            hash.AppendData(buffer, 0, read);
            length += read;
            Interlocked.Exchange(ref _readSoFar, length);
            var due = TimeSpan.FromSeconds((double)length / _bytesPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, stopping).ConfigureAwait(false);
        }
        _received.TrySetResult((hash.GetHashAndReset(), length));
        connection.Shutdown(SocketShutdown.Send);
    }

    public void Dispose() => _acceptor.Dispose();
}
