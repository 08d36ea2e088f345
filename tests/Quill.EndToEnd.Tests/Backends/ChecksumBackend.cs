using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// A backend that is both sink and source: on each connection it sends its stream while it reads and hashes
/// everything the client sends, both directions at once, and records what it received.
/// </summary>
internal sealed class ChecksumBackend : IDisposable
{
    private readonly SocketAcceptor _acceptor;
    private readonly TaskCompletionSource<(byte[] Sha256, long Length)> _received =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChecksumBackend(ChecksumStream outgoing)
    {
        Outgoing = outgoing;
        _acceptor = new SocketAcceptor([new IPEndPoint(IPAddress.Loopback, 0)], ServeAsync);
    }

    public ChecksumStream Outgoing { get; }

    public string Spec => $"127.0.0.1:{((IPEndPoint)_acceptor.LocalEndPoint).Port}";

    /// <summary>The hash and length of what the first connection received, once the client closed its side.</summary>
    public Task<(byte[] Sha256, long Length)> Received => _received.Task;

    private async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        var sending = Outgoing.SendAsync(connection, stopping);
        var received = await ChecksumStream.ReceiveAsync(connection, stopping).ConfigureAwait(false);
        await sending.ConfigureAwait(false);
        _received.TrySetResult(received);
    }

    public void Dispose() => _acceptor.Dispose();
}
