using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>Raw client connections a fault test opens and keeps (unlike <see cref="HeldConnections"/>, no greeting is read).</summary>
internal sealed class ClientSockets : IDisposable
{
    private readonly List<Socket> _sockets = [];

    public int Count
    {
        get { lock (_sockets) return _sockets.Count; }
    }

    public async Task<Socket> OpenAsync(EndPoint endpoint, IPAddress? source = null)
    {
        var socket = await LoopbackClient.ConnectAsync(endpoint, source).ConfigureAwait(false);
        lock (_sockets)
            _sockets.Add(socket);
        return socket;
    }

    /// <summary>Closes the first <paramref name="count"/> connections opened.</summary>
    public void Close(int count)
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets.Take(count))
                socket.Dispose();
            _sockets.RemoveRange(0, Math.Min(count, _sockets.Count));
        }
    }

    public void Dispose() => Close(int.MaxValue);
}
