using Quill.Net.Connections;
using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Quill.Core.Configuration;
using Quill.Net.Forwarding;

namespace Quill.Net.Tls;

/// <summary>
/// A TLS client and its plain backend: the handshake (after the backend is chosen, as in pen), then bytes both ways
/// through the SslStream until both directions end. A failed handshake closes only this client.
/// </summary>
public static class TlsForwarder
{
    private const int ChunkSize = 32 * 1024;

    /// <param name="filter">Sees and may rewrite the decrypted client-to-server stream (-H).</param>
    /// <param name="onHandshakeFailure">Told why a handshake failed, in one line.</param>
    /// <param name="lifetime">idle_timeout and tcp_fastclose, from the end of the handshake on.</param>
    public static async ValueTask<ForwardResult> ForwardAsync(
        Socket client, Socket server, TlsTermination tls, CancellationToken cancellationToken,
        IClientStreamFilter? filter = null, Action<string>? onHandshakeFailure = null, ConnectionLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var ssl = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        void Close()
        {
            ssl.Dispose();
            server.Dispose();
        }

        using var registration = cancellationToken.UnsafeRegister(static state => ((Action)state!)(), (Action)Close);
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            handshake.CancelAfter(TlsTermination.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync(
                static (_, hello, state, _) => ValueTask.FromResult(((TlsTermination)state!).ServerOptions(hello.ServerName)),
                tls, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException
                                      or SocketException or ObjectDisposedException)
        {
            onHandshakeFailure?.Invoke(e is OperationCanceledException ? "no handshake within the time limit" : e.GetBaseException().Message.ReplaceLineEndings(" "));
            Close();
            return new ForwardResult(0, 0, Clean: false);
        }

        _ = OpenSslIdleBuffers.Release(ssl);
        using var idle = IdleWatch.Start(lifetime, Close);
        var fastClose = lifetime?.FastClose ?? FastClose.Off;
        var toServer = ToServerAsync(ssl, server, filter, idle, fastClose.HasFlag(FastClose.Down) ? Close : null, Close);
        var toClient = ToClientAsync(server, ssl, client, idle, fastClose.HasFlag(FastClose.Up) ? Close : null, Close);
        var (sent, sentClean) = await toServer.ConfigureAwait(false);
        var (received, receivedClean) = await toClient.ConfigureAwait(false);
        Close();
        return new ForwardResult(sent, received, sentClean && receivedClean);
    }

    /// <param name="closeOnEof">tcp_fastclose for this direction: what to call on EOF instead of half-closing.</param>
    private static async Task<(long Bytes, bool Clean)> ToServerAsync(
        SslStream ssl, Socket server, IClientStreamFilter? filter, IdleWatch? idle, Action? closeOnEof, Action close)
    {
        long moved = 0;
        var filtered = filter is null ? null : new PooledBufferWriter(ArrayPool<byte>.Shared, ChunkSize);
        var shut = false;
        try
        {
            while (true)
            {
                // Zero-byte read: waits for data without holding a buffer.
                await ssl.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                try
                {
                    var read = await ssl.ReadAsync(buffer.AsMemory(0, ChunkSize)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        idle?.HalfClosed();
                        if (!shut) server.Shutdown(SocketShutdown.Send);
                        closeOnEof?.Invoke();
                        return (moved, true);
                    }
                    idle?.Active();
                    ReadOnlyMemory<byte> outgoing = buffer.AsMemory(0, read);
                    if (filter is not null && filtered is not null)
                    {
                        filter.OnClientData(outgoing.Span, filtered);
                        outgoing = filtered.WrittenMemory;
                    }
                    for (var sent = 0; sent < outgoing.Length;)
                        sent += await server.SendAsync(outgoing[sent..], SocketFlags.None).ConfigureAwait(false);
                    moved += outgoing.Length;
                    if (!shut && filter is { ClientStreamEnded: true })
                    {
                        server.Shutdown(SocketShutdown.Send);
                        shut = true;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    filtered?.Clear();
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            close();
            return (moved, false);
        }
    }

    private static async Task<(long Bytes, bool Clean)> ToClientAsync(
        Socket server, SslStream ssl, Socket client, IdleWatch? idle, Action? closeOnEof, Action close)
    {
        long moved = 0;
        try
        {
            while (true)
            {
                await server.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                try
                {
                    var received = await server.ReceiveAsync(buffer.AsMemory(0, ChunkSize), SocketFlags.None).ConfigureAwait(false);
                    if (received == 0)
                    {
                        idle?.HalfClosed();
                        // close_notify then a TCP half-close: the client still may send until it closes its side.
                        await ssl.ShutdownAsync().ConfigureAwait(false);
                        client.Shutdown(SocketShutdown.Send);
                        closeOnEof?.Invoke();
                        return (moved, true);
                    }
                    idle?.Active();
                    await ssl.WriteAsync(buffer.AsMemory(0, received)).ConfigureAwait(false);
                    moved += received;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            close();
            return (moved, false);
        }
    }
}
