using System.Buffers;
using System.Net.Sockets;
using Quill.Core.Configuration;

namespace Quill.Net.Forwarding;

/// <summary>Copies bytes both ways between a client and its backend until both directions are done or one fails.</summary>
public static class ConnectionForwarder
{
    /// <summary>
    /// Forwards until both directions have ended (each EOF forwarded as a half-close) or one fails, then closes both sockets.
    /// Never throws for socket errors or cancellation; the result says whether the connection ended cleanly.
    /// </summary>
    /// <param name="cancellationToken">Process shutdown: closes both sockets at once.</param>
    /// <param name="filter">Sees and may rewrite the client-to-server stream; null forwards bytes untouched.</param>
    /// <param name="lifetime">idle_timeout and tcp_fastclose; null: neither.</param>
    public static ValueTask<ForwardResult> ForwardAsync(
        Socket client, Socket server, CancellationToken cancellationToken, IClientStreamFilter? filter = null,
        ConnectionLifetime? lifetime = null) =>
        ForwardAsync(client, server, ArrayPool<byte>.Shared, cancellationToken, filter, lifetime);

    /// <param name="pool">Where each direction rents its chunk buffer; tests pass a counting pool.</param>
    internal static async ValueTask<ForwardResult> ForwardAsync(
        Socket client, Socket server, ArrayPool<byte> pool, CancellationToken cancellationToken,
        IClientStreamFilter? filter = null, ConnectionLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);

        var closer = new Closer(client, server);
        PumpResult toServer;
        PumpResult toClient;
        // One registration per connection instead of one per receive; closing the sockets aborts pending operations.
        using (cancellationToken.UnsafeRegister(static state => ((Closer)state!).Close(), closer))
        using (var idle = IdleWatch.Start(lifetime, closer.Close))
        {
            Action close = closer.Close;
            var fastClose = lifetime?.FastClose ?? default;
            var toServerPump = DirectionPump.RunAsync(client, server, pool, close, filter, idle, fastClose.HasFlag(FastClose.Down));
            var toClientPump = DirectionPump.RunAsync(server, client, pool, close, idle: idle, closeOnEof: fastClose.HasFlag(FastClose.Up));
            toServer = await toServerPump.ConfigureAwait(false);
            toClient = await toClientPump.ConfigureAwait(false);
        }

        closer.Close();
        return new ForwardResult(toServer.Bytes, toClient.Bytes, toServer.Clean && toClient.Clean);
    }

    /// <summary>Closes both sockets; safe to call from either direction, from cancellation, and more than once.</summary>
    private sealed class Closer(Socket client, Socket server)
    {
        public void Close()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}

/// <summary>Bytes moved in each direction and how the connection ended.</summary>
public readonly record struct ForwardResult(long BytesToServer, long BytesToClient, bool Clean);
