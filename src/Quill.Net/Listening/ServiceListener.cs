using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Quill.Net.Listening;

/// <summary>
/// The accept side of quill's own small servers (the control port, the web endpoint): binds, accepts and runs one
/// asynchronous session per connection on the thread pool, never on the event loops that carry client traffic, so a
/// slow or silent peer delays nobody. Sessions beyond <c>maxSessions</c> are closed at once.
/// </summary>
internal sealed class ServiceListener : IDisposable
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly Socket _listener;
    private readonly string? _unixSocketPath;
    private readonly Func<Socket, CancellationToken, Task> _session;
    private readonly int _maxSessions;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private int _disposed;

    private ServiceListener(Socket listener, string? unixSocketPath, Func<Socket, CancellationToken, Task> session,
        int maxSessions, TimeProvider time)
    {
        (_listener, _unixSocketPath, _session, _maxSessions, _time) = (listener, unixSocketPath, session, maxSessions, time);
        LocalEndPoint = listener.LocalEndPoint!;
        AcceptLoop = AcceptLoopAsync();
    }

    public EndPoint LocalEndPoint { get; }

    /// <summary>Completes when the accept loop has ended after <see cref="Dispose"/>.</summary>
    public Task AcceptLoop { get; }

    /// <summary>Binds, listens and starts accepting. An existing unix socket file is replaced, as pen does.</summary>
    /// <param name="session">Runs one connection; it owns the socket. Its token fires when the listener is disposed.</param>
    /// <exception cref="SocketException">When the address is in use or cannot be bound.</exception>
    public static ServiceListener Start(EndPoint endPoint, int backlog, int maxSessions, TimeProvider time,
        Func<Socket, CancellationToken, Task> session)
    {
        var unixSocketPath = endPoint is UnixDomainSocketEndPoint ? FileSystemPath(endPoint) : null;
        var listener = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // ReuseAddress is left alone: .NET already sets SO_REUSEADDR on Linux, and the option would
            // add SO_REUSEPORT, letting a second balancer share the port instead of failing.
            if (unixSocketPath is not null)
            {
                File.Delete(unixSocketPath);
            }
            listener.Bind(endPoint);
            listener.Listen(backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new ServiceListener(listener, unixSocketPath, session, maxSessions, time);
    }

    /// <summary>Stops accepting and waits up to <paramref name="wait"/> for the sessions in progress, then disposes.</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        _stopAccepting.Cancel();
        try
        {
            await Task.WhenAll(_sessions.Keys).WaitAsync(wait, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Sessions still running are aborted by Dispose.
        }
        Dispose();
    }

    /// <summary>Stops listening, aborts sessions still in progress and removes the unix socket file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopAccepting.Cancel();
        _stopping.Cancel();
        _listener.Dispose();
        if (_unixSocketPath is not null)
        {
            File.Delete(_unixSocketPath);
        }
        // _stopping is left undisposed: sessions that are still unwinding may link to its token.
    }

    private async Task AcceptLoopAsync()
    {
        var stopping = _stopping.Token;
        var stopAccepting = _stopAccepting.Token;
        while (!stopAccepting.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(stopAccepting).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            catch (SocketException)
            {
                // Typically out of file descriptors: back off instead of spinning, and keep the port alive.
                try
                {
                    await Task.Delay(AcceptRetryDelay, _time, stopAccepting).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            if (_sessions.Count >= _maxSessions)
            {
                // Full: the newcomer is closed rather than queued, so a flood costs no memory.
                client.Dispose();
                continue;
            }
            var session = _session(client, stopping);
            _sessions.TryAdd(session, 0);
            _ = session.ContinueWith(done => _sessions.TryRemove(done, out _), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static string? FileSystemPath(EndPoint endPoint)
    {
        var path = endPoint.ToString();
        // Abstract-namespace sockets have no file to replace or remove.
        return string.IsNullOrEmpty(path) || path[0] is '\0' or '@' ? null : path;
    }
}
