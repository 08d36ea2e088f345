using System.Net;
using Quill.Net.Listening;

namespace Quill.Net.Control;

/// <summary>
/// The control port (-C): each connection carries one command line and gets one reply, as with pen,
/// but every connection is handled asynchronously, so a slow or silent client delays nobody.
/// </summary>
public sealed class ControlServer : IDisposable
{
    private readonly ServiceListener _listener;

    private ControlServer(ServiceListener listener) => _listener = listener;

    /// <summary>Where the server listens; with port 0 this holds the port actually bound.</summary>
    public EndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Completes when the accept loop has ended after <see cref="Dispose"/>.</summary>
    internal Task AcceptLoop => _listener.AcceptLoop;

    /// <summary>
    /// Binds, listens and starts accepting. An existing unix socket file is replaced, as pen does; the new one gets
    /// <see cref="ControlServerOptions.UnixSocketMode"/> and <see cref="ControlServerOptions.UnixSocketOwner"/>.
    /// </summary>
    /// <param name="isPermitted">The control ACL; gets null for a unix-socket peer. A denied peer is closed with no reply.</param>
    /// <param name="dispatch">Runs one command line and returns the exact reply text, possibly empty.
    /// Calls are made one at a time, so it may change shared state without locking against itself.</param>
    /// <exception cref="System.Net.Sockets.SocketException">When the address is in use or cannot be bound.</exception>
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
        var settings = new ControlSession.Settings(isPermitted, dispatch, options, new SemaphoreSlim(1, 1));
        return new ControlServer(ServiceListener.Start(endPoint, options.Backlog, int.MaxValue, options.TimeProvider,
            (client, stopping) => ControlSession.RunAsync(client, settings, stopping),
            new UnixSocketAccess(options.UnixSocketMode, options.UnixSocketOwner)));
    }

    /// <summary>Takeover: serves the control listener the previous process handed over.</summary>
    public static ControlServer Adopt(int fd, Func<IPAddress?, bool> isPermitted, Func<string, string> dispatch, ControlServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(isPermitted);
        ArgumentNullException.ThrowIfNull(dispatch);
        options ??= new ControlServerOptions();
        var settings = new ControlSession.Settings(isPermitted, dispatch, options, new SemaphoreSlim(1, 1));
        return new ControlServer(ServiceListener.Adopt(fd, int.MaxValue, options.TimeProvider,
            (client, stopping) => ControlSession.RunAsync(client, settings, stopping)));
    }

    /// <summary>The listening descriptor, to hand to the process that takes over.</summary>
    public int ListenerDescriptor => _listener.Descriptor;

    /// <summary>
    /// Takeover, old side: stops accepting and closes this process's descriptor of the listener only (no shutdown,
    /// the unix socket file stays): the next process accepts from it. Commands in progress finish.
    /// </summary>
    public Task AbandonListenerAsync(TimeSpan wait) => _listener.AbandonAsync(wait);

    /// <summary>
    /// Stops accepting, waits up to <paramref name="wait"/> for the connections in progress to finish (so the reply
    /// to an <c>exit</c> command still reaches its client), then disposes.
    /// </summary>
    public Task StopAsync(TimeSpan wait) => _listener.StopAsync(wait);

    /// <summary>Stops listening, aborts connections still in progress and removes the unix socket file.</summary>
    public void Dispose() => _listener.Dispose();
}
