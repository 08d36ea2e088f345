using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;

namespace Quill.EndToEnd.Tests.Connections;

/// <summary>
/// Numbers its connections in accept order and answers a connection's first data with "conn N", then closes, so a
/// client can tell whether it got a connection made in advance. It can also drop every connection still waiting.
/// </summary>
internal sealed class NumberingBackend : IDisposable
{
    private readonly SocketAcceptor _acceptor;
    private readonly ConcurrentDictionary<Socket, CancellationTokenSource> _waiting = new();
    private int _numbered;

    public NumberingBackend() =>
        _acceptor = new SocketAcceptor([new IPEndPoint(IPAddress.Loopback, 0)], ServeAsync);

    public string Spec => $"127.0.0.1:{((IPEndPoint)_acceptor.LocalEndPoint).Port}";

    public int Accepted => _acceptor.Accepted;

    public int Open => _acceptor.Open;

    /// <summary>Closes every connection that has not sent anything yet.</summary>
    public void DropWaiting()
    {
        foreach (var drop in _waiting.Values) drop.Cancel();
    }

    private async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        var number = Interlocked.Increment(ref _numbered);
        using var drop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _waiting[connection] = drop;
        var buffer = new byte[1024];
        try
        {
            if (await connection.ReceiveAsync(buffer, SocketFlags.None, drop.Token) == 0) return;
        }
        finally
        {
            _waiting.TryRemove(connection, out _);
        }
        await connection.SendAsync(Encoding.ASCII.GetBytes($"conn {number}\n"), SocketFlags.None, stopping);
        connection.Shutdown(SocketShutdown.Both);
    }

    public void Dispose() => _acceptor.Dispose();
}
