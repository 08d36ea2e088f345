using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Quill.Core.Health;
using Quill.Net.Upstream;

namespace Quill.Net.Health;

/// <summary>
/// The checks the health loop does not run itself, because they need .NET's own sockets: inside TLS (SslStream,
/// without certificate checks: a check asks "does it answer", not "is it who it says"), or to a server known by
/// name. They run on the thread pool and say the same as <see cref="CheckConnection"/>, through
/// <see cref="CheckExchange"/>; the connection is reset at the end as there.
/// </summary>
internal static class StreamHealthProbe
{
    public static async Task<CheckOutcome> CheckAsync(CheckTarget target, CancellationToken cancellationToken)
    {
        var connected = await UpstreamConnector.ConnectAsync(target.EndPoint, Timeout.InfiniteTimeSpan, cancellationToken,
            source: target.Source).ConfigureAwait(false);
        if (connected.Socket is not { } socket) return CheckOutcome.Fail(CheckFailure.Word(connected.Error));
        try
        {
            if (target.Check.Kind == CheckKind.Tcp && !target.Tls) return CheckOutcome.Pass;
            using var plain = new NetworkStream(socket, ownsSocket: false);
            using var tls = target.Tls ? new SslStream(plain, leaveInnerStreamOpen: true) : null;
            if (tls is not null)
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = target.EndPoint is DnsEndPoint dns ? dns.Host : "",
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                }, cancellationToken).ConfigureAwait(false);
            }

            return await ExchangeAsync(tls is null ? plain : tls, target, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            return CheckOutcome.Fail(CheckFailure.Word(e.SocketErrorCode));
        }
        catch (IOException e) when (e.InnerException is SocketException inner)
        {
            return CheckOutcome.Fail(CheckFailure.Word(inner.SocketErrorCode));
        }
        catch (AuthenticationException)
        {
            return CheckOutcome.Fail("tls");
        }
        catch (IOException)
        {
            return CheckOutcome.Fail("closed");
        }
        finally
        {
            Reset(socket);
        }
    }

    private static async Task<CheckOutcome> ExchangeAsync(Stream stream, CheckTarget target, CancellationToken cancellationToken)
    {
        var request = CheckExchange.Request(target.Check, target.EndPoint);
        if (!request.IsEmpty) await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        var limit = CheckExchange.ReplyLimit(target.Check);
        if (limit == 0) return CheckOutcome.Pass;
        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            var length = 0;
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length, limit - length), cancellationToken).ConfigureAwait(false);
                length += read;
                if (CheckExchange.Judge(target.Check, buffer.AsSpan(0, length), closed: read == 0) is { } verdict) return verdict;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            if (socket.AddressFamily != AddressFamily.Unix) socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already reset by the server: nothing to linger over.
        }

        socket.Dispose();
    }
}
