using System.Net.Sockets;
using Quill.Core.Control;

namespace Quill.Hosting;

/// <summary>
/// One client connection in the registry: its descriptors, its server, and how to close it. A connection on the
/// managed path is closed through a token its session watches; one on the event loop through a callback that
/// reaches the loop.
/// </summary>
internal sealed class OpenConnection : IDisposable
{
    private const int Connecting = 1;
    private const int ConnectedState = 2;

    private readonly Socket? _client;
    private readonly int _clientFd;
    private readonly CancellationTokenSource? _closing;
    private readonly Action? _close;
    private readonly int _clientSlot;
    private Socket? _upstream;
    private int _upstreamFd = -1;
    private int _server;
    private int _state = Connecting;

    /// <summary>A managed-path connection: <see cref="Closing"/> is cancelled by close N or by process shutdown.</summary>
    public OpenConnection(Socket client, int clientSlot, CancellationToken stopping)
    {
        _client = client;
        _clientFd = -1;
        _clientSlot = clientSlot;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>An event-loop connection: close N calls <paramref name="close"/>.</summary>
    public OpenConnection(int clientFd, int clientSlot, Action close)
    {
        _clientFd = clientFd;
        _clientSlot = clientSlot;
        _close = close;
    }

    /// <summary>The number close N takes; given by the registry, -1 when the table had no free slot.</summary>
    public int Id { get; set; } = -1;

    /// <summary>Cancelled by <c>close N</c> or by process shutdown (managed path only).</summary>
    public CancellationToken Closing => _closing?.Token ?? CancellationToken.None;

    public void ConnectingTo(int server) => Volatile.Write(ref _server, server);

    public void Connected(Socket upstream)
    {
        Volatile.Write(ref _upstream, upstream);
        Volatile.Write(ref _state, ConnectedState);
    }

    public void Connected(int upstreamFd)
    {
        Volatile.Write(ref _upstreamFd, upstreamFd);
        Volatile.Write(ref _state, ConnectedState);
    }

    public void Close()
    {
        if (_close is not null)
        {
            _close();
            return;
        }
        try { _closing?.Cancel(); }
        catch (ObjectDisposedException) { /* the connection ended meanwhile */ }
    }

    public ConnectionView View()
    {
        var connected = Volatile.Read(ref _state) == ConnectedState;
        var upstream = Volatile.Read(ref _upstream) is { } socket ? Descriptor(socket) : Volatile.Read(ref _upstreamFd);
        return new ConnectionView(Volatile.Read(ref _state), _client is null ? _clientFd : Descriptor(_client), upstream,
            _clientSlot, Volatile.Read(ref _server), connected ? 0 : 1);
    }

    public void Dispose() => _closing?.Dispose();

    private static long Descriptor(Socket socket)
    {
        try
        {
            return (long)socket.SafeHandle.DangerousGetHandle();
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }
}
