using System.Net.Sockets;
using Quill.Core.Control;

namespace Quill.Hosting;

/// <summary>One client connection in the registry: its sockets, its server, and the token that closes it.</summary>
internal sealed class OpenConnection : IDisposable
{
    private const int Connecting = 1;
    private const int ConnectedState = 2;

    private readonly Socket _client;
    private readonly CancellationTokenSource _closing;
    private readonly int _clientSlot;
    private Socket? _upstream;
    private int _server;
    private int _state = Connecting;

    public OpenConnection(int id, Socket client, int clientSlot, CancellationToken stopping)
    {
        Id = id;
        _client = client;
        _clientSlot = clientSlot;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    public int Id { get; }

    /// <summary>Cancelled by <c>close N</c> or by process shutdown.</summary>
    public CancellationToken Closing => _closing.Token;

    public void ConnectingTo(int server) => Volatile.Write(ref _server, server);

    public void Connected(Socket upstream)
    {
        Volatile.Write(ref _upstream, upstream);
        Volatile.Write(ref _state, ConnectedState);
    }

    public void Close()
    {
        try { _closing.Cancel(); }
        catch (ObjectDisposedException) { /* the connection ended meanwhile */ }
    }

    public ConnectionView View()
    {
        var connected = Volatile.Read(ref _state) == ConnectedState;
        return new ConnectionView(Volatile.Read(ref _state), Descriptor(_client), Descriptor(Volatile.Read(ref _upstream)),
            _clientSlot, Volatile.Read(ref _server), connected ? 0 : 1);
    }

    public void Dispose() => _closing.Dispose();

    private static long Descriptor(Socket? socket)
    {
        try
        {
            return socket is null ? -1 : (long)socket.SafeHandle.DangerousGetHandle();
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }
}
