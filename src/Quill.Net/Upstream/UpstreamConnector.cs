using System.Net;
using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Upstream;

/// <summary>Non-blocking connect to a backend with a timeout.</summary>
public static class UpstreamConnector
{
    /// <summary>Returns the connected socket, or the reason (refused, timed out, ...) it could not connect.</summary>
    /// <param name="endPoint">An <see cref="IPEndPoint"/> or a <see cref="UnixDomainSocketEndPoint"/>.</param>
    /// <param name="timeout">pen's -t: how long a connect may stay in progress.</param>
    /// <param name="cancellationToken">Process shutdown; throws <see cref="OperationCanceledException"/> rather than reporting a failure.</param>
    /// <param name="noDelay">Sets TCP_NODELAY on the backend socket; pen leaves Nagle on.</param>
    /// <param name="keepAlive">Sets SO_KEEPALIVE on the backend socket (pen's keepalive command).</param>
    /// <param name="source">pen's source command: the local address to connect from; ignored for another address
    /// family or a unix backend.</param>
    /// <param name="transparentFrom">pen's transparent command: connect from the client's IPv4 address with
    /// IP_TRANSPARENT (needs CAP_NET_ADMIN and routing that delivers the replies here); wins over
    /// <paramref name="source"/>. The caller checks that both sides are IPv4.</param>
    public static async ValueTask<ConnectResult> ConnectAsync(
        EndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken, bool noDelay = false,
        bool keepAlive = false, IPAddress? source = null, IPAddress? transparentFrom = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var isUnix = endPoint is UnixDomainSocketEndPoint;
        var socket = isUnix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

        // One timer per connect attempt, linked to shutdown; no Task.Delay racing the connect.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            if (keepAlive && !isUnix) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            if (transparentFrom is not null && !isUnix)
            {
                socket.SetRawSocketOption(Libc.SolIp, Libc.IpTransparent, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(transparentFrom, 0));
            }
            else if (source is not null && !isUnix && source.AddressFamily == endPoint.AddressFamily)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }
            await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            if (noDelay && !isUnix)
            {
                socket.NoDelay = true;
            }

            return new ConnectResult(socket, SocketError.Success);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return new ConnectResult(null, SocketError.TimedOut);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            return new ConnectResult(null, ex.SocketErrorCode);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
