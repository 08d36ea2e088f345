using System.Net.Sockets;

namespace Quill.Net.Dummy;

/// <summary>
/// pen's <c>dummy</c> mode, a tiny web server for testing the front end without backends: whatever the client sends
/// first is answered with a fixed HTTP/1.1 200 whose body is "Ulric was here.", then the connection closes.
/// </summary>
public static class DummyWebServer
{
    /// <summary>pen's exact reply bytes.</summary>
    public static ReadOnlyMemory<byte> Response { get; } =
        "HTTP/1.1 200 OK\r\nContent-Length: 15\r\nContent-Type: text/html\r\n\r\nUlric was here."u8.ToArray();

    /// <summary>Reads once, answers if the client sent anything, and closes the client.</summary>
    /// <returns>Bytes received from and sent to the client.</returns>
    public static async Task<(long Received, long Sent)> ServeAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        {
            var buffer = new byte[4096];
            try
            {
                var received = await client.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false);
                if (received == 0) return (0, 0);
                var sent = await client.SendAsync(Response, SocketFlags.None, stopping).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Both);
                return (received, sent);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // Gone or closed by close N or by shutdown: nothing more to do.
                return (0, 0);
            }
        }
    }
}
