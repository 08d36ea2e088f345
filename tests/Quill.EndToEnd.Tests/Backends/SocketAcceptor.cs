using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// The accept loop every in-process backend shares: one or more listening sockets, a handler per accepted
/// connection, counts of accepted and open connections, and everything closed on dispose.
/// </summary>
internal sealed class SocketAcceptor : IDisposable
{
    private readonly Socket[] _listeners;
    private readonly Func<Socket, CancellationToken, Task> _handle;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private int _accepted;

    public SocketAcceptor(IEnumerable<EndPoint> endpoints, Func<Socket, CancellationToken, Task> handle, int backlog = 512)
    {
        _handle = handle;
        _listeners = endpoints.Select(endpoint => Listen(endpoint, backlog)).ToArray();
        foreach (var listener in _listeners)
            _ = AcceptLoopAsync(listener);
    }

    public EndPoint LocalEndPoint => _listeners[0].LocalEndPoint!;

    public int Accepted => Volatile.Read(ref _accepted);

    public int Open => _open.Count;

    private static Socket Listen(EndPoint endpoint, int backlog)
    {
        var protocol = endpoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, protocol);
        try
        {
            if (endpoint is IPEndPoint)
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _open[connection] = 0;
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        try
        {
            await _handle(connection, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away or the backend is stopping: the connection simply ends.
        }
        finally
        {
            _open.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var listener in _listeners)
            listener.Dispose();
        foreach (var connection in _open.Keys)
            connection.Dispose();
        _stopping.Dispose();
    }
}
