using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Quill.Core.Health;
using Quill.Net.Upstream;

namespace Quill.Net.Health;

/// <summary>
/// The checks on the wire, each one short connection on non-blocking sockets (the runtime's epoll engine, no thread
/// of its own): connect from the <c>source</c> address (tcp), then optionally TLS without certificate checks (a
/// check asks "does it answer", not "is it who it says"), then an HTTP/1.1 GET with a Host header and the status read
/// from the first line, or a string sent and a reply prefix expected. The connection is then reset rather than closed,
/// as HAProxy does, so a thousand checks a second leave no TIME_WAIT behind on either side.
/// </summary>
public sealed class SocketHealthProbe : IHealthProbe
{
    private const int StatusLineLimit = 1024;

    public async Task<CheckOutcome> CheckAsync(CheckTarget target, CancellationToken cancellationToken)
    {
        var connected = await UpstreamConnector.ConnectAsync(target.EndPoint, Timeout.InfiniteTimeSpan, cancellationToken,
            source: target.Source).ConfigureAwait(false);
        if (connected.Socket is not { } socket) return CheckOutcome.Fail(Word(connected.Error));
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

            Stream stream = tls is null ? plain : tls;
            return target.Check.Kind switch
            {
                CheckKind.Http => await HttpAsync(stream, target, cancellationToken).ConfigureAwait(false),
                CheckKind.SendExpect => await SendExpectAsync(stream, target.Check, cancellationToken).ConfigureAwait(false),
                _ => CheckOutcome.Pass,
            };
        }
        catch (SocketException e)
        {
            return CheckOutcome.Fail(Word(e.SocketErrorCode));
        }
        catch (IOException e) when (e.InnerException is SocketException inner)
        {
            return CheckOutcome.Fail(Word(inner.SocketErrorCode));
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

    private static async Task<CheckOutcome> HttpAsync(Stream stream, CheckTarget target, CancellationToken cancellationToken)
    {
        var request = $"GET {target.Check.Path} HTTP/1.1\r\nHost: {HostHeader(target.EndPoint)}\r\nUser-Agent: quill-check\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(StatusLineLimit);
        try
        {
            var length = 0;
            int lineEnd;
            while ((lineEnd = buffer.AsSpan(0, length).IndexOf((byte)'\n')) < 0)
            {
                if (length == StatusLineLimit) return CheckOutcome.Fail("reply");
                var read = await stream.ReadAsync(buffer.AsMemory(length, StatusLineLimit - length), cancellationToken).ConfigureAwait(false);
                if (read == 0) return CheckOutcome.Fail("closed");
                length += read;
            }

            // "HTTP/1.1 200 OK": the version, one space, three digits.
            var line = buffer.AsSpan(0, lineEnd);
            if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != ' '
                || !int.TryParse(Encoding.ASCII.GetString(line.Slice(9, 3)), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var status))
                return CheckOutcome.Fail("reply");
            return target.Check.Passes(status)
                ? CheckOutcome.Pass
                : CheckOutcome.Fail(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"status={status}"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<CheckOutcome> SendExpectAsync(Stream stream, HealthCheck check, CancellationToken cancellationToken)
    {
        if (check.Send.Length > 0) await stream.WriteAsync(check.Send, cancellationToken).ConfigureAwait(false);
        var expected = check.Expect.Length;
        if (expected == 0) return CheckOutcome.Pass;
        var buffer = ArrayPool<byte>.Shared.Rent(expected);
        try
        {
            var length = 0;
            while (length < expected)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length, expected - length), cancellationToken).ConfigureAwait(false);
                if (read == 0) return CheckOutcome.Fail("closed");
                length += read;
                if (!buffer.AsSpan(0, length).SequenceEqual(check.Expect.Span[..length])) return CheckOutcome.Fail("reply");
            }

            return CheckOutcome.Pass;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The Host header: the name or address, with the port, IPv6 in brackets.</summary>
    private static string HostHeader(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint { Address.AddressFamily: AddressFamily.InterNetworkV6 } ip => $"[{ip.Address}]:{ip.Port}",
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => "localhost",
    };

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

    private static string Word(SocketError error) => error == SocketError.TimedOut
        ? "timeout"
        : SocketErrorText.Describe(error).Replace(' ', '-');
}
