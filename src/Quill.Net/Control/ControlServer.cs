using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Control;

/// <summary>
/// The control port (-C): each connection carries one command line and gets one reply, as with pen,
/// but every connection is handled asynchronously, so a slow or silent client delays nobody.
/// </summary>
public sealed class ControlServer : IDisposable
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly Socket _listener;
    private string? _unixSocketPath;
    private readonly ControlSession.Settings _settings;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private readonly Task _acceptLoop;
    private int _disposed;

    private ControlServer(Socket listener, string? unixSocketPath, ControlSession.Settings settings)
    {
        _listener = listener;
        _unixSocketPath = unixSocketPath;
        _settings = settings;
        LocalEndPoint = listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Where the server listens; with port 0 this holds the port actually bound.</summary>
    public EndPoint LocalEndPoint { get; }

    /// <summary>Completes when the accept loop has ended after <see cref="Dispose"/>.</summary>
    internal Task AcceptLoop => _acceptLoop;

    /// <summary>
    /// Binds, listens and starts accepting. An existing unix socket file is replaced, as pen does; the new one gets
    /// <see cref="ControlServerOptions.UnixSocketMode"/> and <see cref="ControlServerOptions.UnixSocketOwner"/>.
    /// </summary>
    /// <param name="isPermitted">The control ACL; gets null for a unix-socket peer. A denied peer is closed with no reply.</param>
    /// <param name="dispatch">Runs one command line and returns the exact reply text, possibly empty.
    /// Calls are made one at a time, so it may change shared state without locking against itself.</param>
    /// <exception cref="SocketException">When the address is in use or cannot be bound.</exception>
    /// <exception cref="IOException">When a unix socket's mode or owner cannot be set (one-line message).</exception>
    public static ControlServer Start(
        EndPoint endPoint,
        Func<IPAddress?, bool> isPermitted,
        Func<string, string> dispatch,
        ControlServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(isPermitted);
        ArgumentNullException.ThrowIfNull(dispatch);
        options ??= new ControlServerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxCommandBytes);

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
                Check(Libc.Fchmod((int)listener.Handle, options.UnixSocketMode), "cannot set the mode of", unixSocketPath);
            }
            listener.Bind(endPoint);
            if (unixSocketPath is not null)
            {
                // The umask narrowed the mode at bind; the mode asked for is set exactly.
                Check(Libc.Chmod(unixSocketPath, options.UnixSocketMode), "cannot set the mode of", unixSocketPath);
                if (options.UnixSocketOwner is { } owner)
                    Check(Libc.Lchown(unixSocketPath, owner.User, owner.Group), "cannot give the -u user", unixSocketPath);
            }
            listener.Listen(options.Backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new ControlServer(listener, unixSocketPath,
            new ControlSession.Settings(isPermitted, dispatch, options, new SemaphoreSlim(1, 1)));
    }

    /// <summary>Takeover: serves the control listener the previous process handed over.</summary>
    public static ControlServer Adopt(int fd, Func<IPAddress?, bool> isPermitted, Func<string, string> dispatch, ControlServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(isPermitted);
        ArgumentNullException.ThrowIfNull(dispatch);
        options ??= new ControlServerOptions();
        var listener = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        return new ControlServer(listener, listener.LocalEndPoint is UnixDomainSocketEndPoint ? FileSystemPath(listener.LocalEndPoint) : null,
            new ControlSession.Settings(isPermitted, dispatch, options, new SemaphoreSlim(1, 1)));
    }

    /// <summary>The listening descriptor, to hand to the process that takes over.</summary>
    public int ListenerDescriptor => (int)_listener.SafeHandle.DangerousGetHandle();

    /// <summary>
    /// Takeover, old side: stops accepting and closes this process's descriptor of the listener only (no shutdown,
    /// the unix socket file stays): the next process accepts from it. Commands in progress finish.
    /// </summary>
    public async Task AbandonListenerAsync(TimeSpan wait)
    {
        _stopAccepting.Cancel();
        try
        {
            await _acceptLoop.WaitAsync(wait, _settings.Options.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The accept in progress is cancelled; closing the descriptor below ends it either way.
        }
        _unixSocketPath = null;
        _ = Interop.Libc.ReplaceWithPlaceholder(ListenerDescriptor);
    }

    /// <summary>
    /// Stops accepting, waits up to <paramref name="wait"/> for the connections in progress to finish (so the reply
    /// to an <c>exit</c> command still reaches its client), then disposes.
    /// </summary>
    public async Task StopAsync(TimeSpan wait)
    {
        _stopAccepting.Cancel();
        try
        {
            await Task.WhenAll(_sessions.Keys).WaitAsync(wait, _settings.Options.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Sessions still running are aborted by Dispose.
        }
        Dispose();
    }

    /// <summary>Stops listening, aborts connections still in progress and removes the unix socket file.</summary>
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
                    await Task.Delay(AcceptRetryDelay, _settings.Options.TimeProvider, stopAccepting).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            var session = ControlSession.RunAsync(client, _settings, stopping);
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
