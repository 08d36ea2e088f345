using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Quill.Net.Interop;

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
    private string? _unixSocketPath;
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
        LocalEndPoint = unixSocketPath is null ? listener.LocalEndPoint! : new UnixDomainSocketEndPoint(unixSocketPath);
        AcceptLoop = AcceptLoopAsync();
    }

    public EndPoint LocalEndPoint { get; }

    /// <summary>Completes when the accept loop has ended after <see cref="Dispose"/>.</summary>
    public Task AcceptLoop { get; }

    /// <summary>
    /// Binds, listens and starts accepting. An existing unix socket file is replaced, as pen does; with
    /// <paramref name="unixAccess"/> the new one gets exactly that mode (and owner, when one is given).
    /// </summary>
    /// <param name="session">Runs one connection; it owns the socket. Its token fires when the listener is disposed.</param>
    /// <exception cref="SocketException">When the address is in use or cannot be bound.</exception>
    /// <exception cref="IOException">When a unix socket's mode or owner cannot be set (one-line message).</exception>
    public static ServiceListener Start(EndPoint endPoint, int backlog, int maxSessions, TimeProvider time,
        Func<Socket, CancellationToken, Task> session, UnixSocketAccess? unixAccess = null)
    {
        var unixSocketPath = endPoint is UnixDomainSocketEndPoint ? FileSystemPath(endPoint) : null;
        var listener = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // ReuseAddress is left alone: .NET already sets SO_REUSEADDR on Linux, and the option would
            // add SO_REUSEPORT, letting a second balancer share the port instead of failing.
            if (unixSocketPath is null)
            {
                listener.Bind(endPoint);
                listener.Listen(backlog);
            }
            else
            {
                if (unixAccess is { } early) Check(Libc.Fchmod((int)listener.Handle, early.Mode), "cannot set the mode of", unixSocketPath);
                UnixSocketFile.BindAndListen(listener, unixSocketPath, backlog, bound =>
                {
                    if (unixAccess is not { } access) return;
                    // The umask narrowed the mode at bind; the mode asked for is set exactly.
                    Check(Libc.Chmod(bound, access.Mode), "cannot set the mode of", unixSocketPath);
                    if (access.Owner is { } owner)
                        Check(Libc.Lchown(bound, owner.User, owner.Group), "cannot give the -u user", unixSocketPath);
                });
            }
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new ServiceListener(listener, unixSocketPath, session, maxSessions, time);
    }

    /// <summary>Takeover: serves a listener the previous process handed over (its unix socket file stays its own).</summary>
    public static ServiceListener Adopt(int fd, int maxSessions, TimeProvider time, Func<Socket, CancellationToken, Task> session)
    {
        var listener = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        var path = listener.LocalEndPoint is UnixDomainSocketEndPoint bound && FileSystemPath(bound) is { } name ? UnixSocketFile.PathOf(name) : null;
        return new ServiceListener(listener, path, session, maxSessions, time);
    }

    /// <summary>The listening descriptor, to hand to the process that takes over.</summary>
    public int Descriptor => (int)_listener.SafeHandle.DangerousGetHandle();

    /// <summary>
    /// Takeover, old side: stops accepting and lets go of this process's descriptor of the listener only (no
    /// shutdown, the unix socket file stays): the next process accepts from it. Sessions in progress finish.
    /// </summary>
    public async Task AbandonAsync(TimeSpan wait)
    {
        _stopAccepting.Cancel();
        try
        {
            await AcceptLoop.WaitAsync(wait, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The accept in progress is cancelled; the placeholder below ends it either way.
        }
        _unixSocketPath = null;
        _ = Libc.ReplaceWithPlaceholder(Descriptor);
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
            try
            {
                File.Delete(_unixSocketPath);
            }
            catch (UnauthorizedAccessException)
            {
                // After -u the user may not delete in the socket's directory (a root-owned /run): the file stays, as
                // pen's does, and the next start replaces it.
            }
        }
        // _stopping is left undisposed: sessions that are still unwinding may link to its token.
    }

    private static void Check(int result, string what, string path)
    {
        if (result < 0) throw new IOException($"{what} {path}: {ErrnoText.Describe(-result)}");
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
