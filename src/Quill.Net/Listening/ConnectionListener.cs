using System.Net;
using System.Net.Sockets;

namespace Quill.Net.Listening;

/// <summary>A listening TCP (IPv4/IPv6) or unix stream socket.</summary>
public sealed class ConnectionListener : IDisposable
{
    /// <summary>Binds and listens. An existing unix socket file is replaced, as pen does.</summary>
    /// <exception cref="SocketException">When the address is in use or cannot be bound.</exception>
    public static ConnectionListener Open(EndPoint endPoint, int backlog) => throw new NotImplementedException();

    public EndPoint LocalEndPoint => throw new NotImplementedException();

    public ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
