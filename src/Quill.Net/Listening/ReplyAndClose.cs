using System.Net.Sockets;
using Quill.Net.Control;

namespace Quill.Net.Listening;

/// <summary>The end of a one-reply session (control port, web endpoint).</summary>
internal static class ReplyAndClose
{
    /// <summary>
    /// Sends the reply, then half-closes and discards input until the client closes. Closing with unread
    /// input would make the kernel send a reset, and the client could lose the reply it has not read yet.
    /// </summary>
    public static async Task RunAsync(Socket socket, ReadOnlyMemory<byte> reply, Memory<byte> scratch, TimeSpan timeout,
        TimeProvider time, CancellationToken stopping)
    {
        using var replying = new Deadline(timeout, time, stopping);
        var sent = 0;
        while (sent < reply.Length)
        {
            sent += await socket.SendAsync(reply[sent..], SocketFlags.None, replying.Token).ConfigureAwait(false);
        }
        socket.Shutdown(SocketShutdown.Send);
        while (await socket.ReceiveAsync(scratch, SocketFlags.None, replying.Token).ConfigureAwait(false) > 0)
        {
        }
    }
}
