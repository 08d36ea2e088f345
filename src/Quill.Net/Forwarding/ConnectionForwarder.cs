using Quill.Net.Connections;
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
    /// <param name="mode">Whether plain streams go through splice(2) or through buffers.</param>
    public static ValueTask<ForwardResult> ForwardAsync(
        Socket client, Socket server, CancellationToken cancellationToken, IClientStreamFilter? filter = null,
        ConnectionLifetime? lifetime = null, ForwardingMode mode = ForwardingMode.Auto) =>
        ForwardAsync(client, server, ArrayPool<byte>.Shared, cancellationToken, filter, lifetime, mode);

    /// <param name="pool">Where each direction rents its chunk buffer; tests pass a counting pool.</param>
    /// <param name="pipes">Where each spliced direction rents its pipe while bytes are in flight.</param>
    internal static async ValueTask<ForwardResult> ForwardAsync(
        Socket client, Socket server, ArrayPool<byte> pool, CancellationToken cancellationToken,
        IClientStreamFilter? filter = null, ConnectionLifetime? lifetime = null, ForwardingMode mode = ForwardingMode.Auto,
        PipePool? pipes = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        var fastClose = lifetime?.FastClose ?? default;
        // idle_timeout and tcp_fastclose live in the buffered pump; splice only what needs neither.
        var splice = filter is null && fastClose == FastClose.Off && lifetime is not { IdleTimeout.Ticks: > 0 }
            && CanSplice(client, mode) && CanSplice(server, mode);

        var closer = new Closer(client, server);
        PumpResult toServer;
        PumpResult toClient;
        // One registration per connection instead of one per receive; closing the sockets aborts pending operations.
        using (cancellationToken.UnsafeRegister(static state => ((Closer)state!).Close(), closer))
        using (var idle = IdleWatch.Start(lifetime, closer.Close))
        {
            Action close = closer.Close;
            var adaptive = mode == ForwardingMode.Auto;
            var toServerPump = splice
                ? SplicePump.RunAsync(client, server, pipes ?? PipePool.Shared, pool, close, adaptive)
                : DirectionPump.RunAsync(client, server, pool, close, filter, idle, fastClose.HasFlag(FastClose.Down));
            var toClientPump = splice
                ? SplicePump.RunAsync(server, client, pipes ?? PipePool.Shared, pool, close, adaptive)
                : DirectionPump.RunAsync(server, client, pool, close, idle: idle, closeOnEof: fastClose.HasFlag(FastClose.Up));
            toServer = await toServerPump.ConfigureAwait(false);
            toClient = await toClientPump.ConfigureAwait(false);
        }

        closer.Close();
        return new ForwardResult(toServer.Bytes, toClient.Bytes, toServer.Clean && toClient.Clean);
    }

    private static bool CanSplice(Socket socket, ForwardingMode mode) =>
        OperatingSystem.IsLinux() && socket.SocketType == SocketType.Stream && mode switch
        {
            ForwardingMode.Auto => socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6,
            ForwardingMode.Splice => true,
            _ => false,
        };

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
