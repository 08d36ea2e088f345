using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.Net.Control;
using Quill.Net.Listening;

namespace Quill.Net.Web;

/// <summary>One web connection: ACL check, one request head in (bounded), the answer out, close.</summary>
internal sealed class WebSession(Func<IPAddress?, bool> isPermitted, Func<PageRequest, PageResponse> handle, WebServerOptions options)
{
    public async Task RunAsync(Socket socket, CancellationToken stopping)
    {
        byte[]? buffer = null;
        try
        {
            var peer = socket.AddressFamily == AddressFamily.Unix ? null : (socket.RemoteEndPoint as IPEndPoint)?.Address;
            if (!GuardedCallback.TryCall(isPermitted, peer, options.OnCallbackError, out var permitted) || !permitted) return;
            int headLength;
            using (var reading = new Deadline(options.ReadTimeout, options.TimeProvider, stopping))
            {
                // Waiting with an empty buffer first means an idle reader holds no memory, as in Kestrel.
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, reading.Token).ConfigureAwait(false);
                buffer = ArrayPool<byte>.Shared.Rent(options.MaxHeadBytes);
                headLength = await ReadHeadAsync(socket, buffer.AsMemory(0, options.MaxHeadBytes), reading.Token).ConfigureAwait(false);
            }
            if (headLength == 0) return;
            var (response, head) = headLength < 0
                ? (PageResponse.Text(431, "request head too large"), false)
                : Answer(Encoding.Latin1.GetString(buffer, 0, headLength));
            await ReplyAndClose.RunAsync(socket, Serialize(response, head), buffer, options.ReplyTimeout, options.TimeProvider,
                stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Timed out, reset by the peer, or the server is stopping: the connection just closes.
        }
        finally
        {
            socket.Dispose();
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <returns>The head's length up to its blank line; 0 when the peer closed first; -1 when it does not fit.</returns>
    private static async Task<int> ReadHeadAsync(Socket socket, Memory<byte> buffer, CancellationToken token)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var received = await socket.ReceiveAsync(buffer[filled..], SocketFlags.None, token).ConfigureAwait(false);
            if (received == 0) return 0;
            var from = Math.Max(0, filled - 3);
            filled += received;
            var window = buffer.Span[from..filled];
            var end = window.IndexOf("\r\n\r\n"u8);
            if (end >= 0) return from + end;
            end = window.IndexOf("\n\n"u8);
            if (end >= 0) return from + end;
        }
        return -1;
    }

    /// <returns>The response, and whether it is for HEAD (headers only).</returns>
    private (PageResponse Response, bool HeadOnly) Answer(string head)
    {
        var lines = head.Split('\n');
        var requestLine = lines[0].TrimEnd('\r').Split(' ');
        if (requestLine is not [var method, var target, var version] || !version.StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !target.StartsWith('/'))
        {
            return (PageResponse.Text(400, "bad request"), false);
        }
        if (method is not ("GET" or "HEAD")) return (PageResponse.Text(405, "read-only: GET and HEAD only"), false);

        var accept = "";
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Equals("accept", StringComparison.OrdinalIgnoreCase))
                accept = line[(colon + 1)..].Trim();
        }
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var request = question < 0 ? new PageRequest(target, "", accept) : new PageRequest(target[..question], target[(question + 1)..], accept);
        return (GuardedCallback.TryCall(handle, request, options.OnCallbackError, out var response) ? response : PageResponse.Text(500, "internal error"), method == "HEAD");
    }

    private static byte[] Serialize(PageResponse response, bool headOnly)
    {
        var header = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\nContent-Type: {response.ContentType}\r\nContent-Length: {response.Body.Length}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n");
        var bytes = new byte[Encoding.ASCII.GetByteCount(header) + (headOnly ? 0 : response.Body.Length)];
        var written = Encoding.ASCII.GetBytes(header, bytes);
        if (!headOnly) response.Body.Span.CopyTo(bytes.AsSpan(written));
        return bytes;
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    };
}
