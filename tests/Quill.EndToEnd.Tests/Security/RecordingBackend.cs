using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.EndToEnd.Tests.Security;

/// <summary>
/// A raw-socket HTTP backend that records exactly the bytes each connection brought, up to the balancer's
/// half-close, then answers one fixed response and closes: what a request-smuggling test compares.
/// </summary>
internal sealed class RecordingBackend : IDisposable
{
    public const string Reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    private readonly Backends.SocketAcceptor _acceptor;
    private readonly BlockingCollection<string> _received = new();
    private readonly TimeSpan _connectionLimit;

    /// <param name="connectionLimit">How long one connection may last (10 s unless given).</param>
    public RecordingBackend(TimeSpan? connectionLimit = null)
    {
        _connectionLimit = connectionLimit ?? TimeSpan.FromSeconds(10);
        _acceptor = new Backends.SocketAcceptor([new IPEndPoint(IPAddress.Loopback, 0)], ServeAsync);
    }

    public string Spec => $"127.0.0.1:{((IPEndPoint)_acceptor.LocalEndPoint).Port}";

    /// <summary>What the next connection received, in Latin-1 (one char per byte), once it ended.</summary>
    public string NextReceived(TimeSpan limit) =>
        _received.TryTake(out var bytes, limit) ? bytes : throw new TimeoutException($"no connection ended within {limit}");

    private async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_connectionLimit);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0) received.Write(buffer, 0, read);
        _received.Add(Encoding.Latin1.GetString(received.ToArray()), stopping);
        await connection.SendAsync(Encoding.ASCII.GetBytes(Reply), SocketFlags.None, deadline.Token);
    }

    public void Dispose()
    {
        _acceptor.Dispose();
        _received.Dispose();
    }
}
