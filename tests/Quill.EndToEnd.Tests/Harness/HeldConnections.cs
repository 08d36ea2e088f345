using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// Client connections a test keeps open, to fill servers or tables; all closed on dispose. Connections may be
/// opened concurrently.
/// </summary>
internal sealed class HeldConnections : IDisposable
{
    private readonly List<Socket> _sockets = [];

    public int Count
    {
        get { lock (_sockets) return _sockets.Count; }
    }

    public IReadOnlyList<Socket> Sockets
    {
        get { lock (_sockets) return [.. _sockets]; }
    }

    /// <summary>Opens one more connection and returns the greeting of the server it reached.</summary>
    public async Task<string> OpenAsync(EndPoint endpoint, IPAddress? source = null)
    {
        var socket = await LoopbackClient.ConnectAsync(endpoint, source).ConfigureAwait(false);
        lock (_sockets)
            _sockets.Add(socket);
        return await LoopbackClient.ReadLineAsync(socket).ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets)
                socket.Dispose();
            _sockets.Clear();
        }
    }
}
