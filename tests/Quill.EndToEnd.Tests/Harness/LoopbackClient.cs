using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// Clients of the balancer under test, from 127.0.0.1 or from another loopback source address (bound before
/// connecting) so that the balancer sees distinct client IPs. Every operation is bounded by a timeout.
/// </summary>
internal static class LoopbackClient
{
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>127.0.0.n: every address in 127.0.0.0/8 is local on Linux, so each is a distinct client.</summary>
    public static IPAddress Source(int lastByte) => new([127, 0, 0, (byte)lastByte]);

    public static async Task<Socket> ConnectAsync(EndPoint endpoint, IPAddress? source = null, CancellationToken cancellation = default)
    {
        var protocol = endpoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, protocol);
        try
        {
            if (source is not null)
                socket.Bind(new IPEndPoint(source, 0));
            using var timeout = Bounded(cancellation);
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects, reads until the end of the stream and returns the text, trimmed. A connection closed or reset
    /// without data returns the empty string: that is how a balancer says it found no server.
    /// </summary>
    public static async Task<string> AskAsync(EndPoint endpoint, IPAddress? source = null)
    {
        using var socket = await ConnectAsync(endpoint, source).ConfigureAwait(false);
        return await ReadToEndAsync(socket).ConfigureAwait(false);
    }

    public static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var timeout = Bounded(default);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false)) > 0)
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // A reset ends the stream like a close does; whatever arrived before it counts.
        }
        return text.ToString().Trim();
    }

    /// <summary>Reads one line (a NamedBackend greeting) and leaves the connection open.</summary>
    public static async Task<string> ReadLineAsync(Socket socket)
    {
        using var timeout = Bounded(default);
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
        {
            if (buffer[0] == (byte)'\n')
                return text.ToString();
            text.Append((char)buffer[0]);
        }
        return text.ToString();
    }

    /// <summary>True when the peer closes or resets within the timeout, false when the connection stays open.</summary>
    public static async Task<bool> IsClosedWithinAsync(Socket socket, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false) > 0)
            {
                // Data before the close is not the question here.
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static CancellationTokenSource Bounded(CancellationToken cancellation)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(OperationTimeout);
        return timeout;
    }
}
