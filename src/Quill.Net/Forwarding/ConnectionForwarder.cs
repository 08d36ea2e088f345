using System.Net.Sockets;

namespace Quill.Net.Forwarding;

/// <summary>Copies bytes both ways between a client and its backend until both directions are done or one fails.</summary>
public static class ConnectionForwarder
{
    public static ValueTask<ForwardResult> ForwardAsync(Socket client, Socket server, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}

/// <summary>Bytes moved in each direction and how the connection ended.</summary>
public readonly record struct ForwardResult(long BytesToServer, long BytesToClient, bool Clean);
