using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.Demo;

/// <summary>
/// A tiny HTTP server on a loopback port for `quill --demo`: answers every request with its own name so that
/// balancing is visible from curl. Not a real web server: one request per connection.
/// </summary>
internal sealed class DemoBackend : IDisposable
{
    private static readonly TimeSpan RequestReadTimeout = TimeSpan.FromSeconds(5);
    private readonly Socket _listener;
    private readonly byte[] _response;

    public DemoBackend(string name)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        var body = $"Hello from {name} (127.0.0.1:{Port})\n";
        _response = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(stopping).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = AnswerAsync(client, stopping);
        }
    }

    private async Task AnswerAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            timeout.CancelAfter(RequestReadTimeout);
            try
            {
                await ReadRequestHeadAsync(client, timeout.Token).ConfigureAwait(false);
                await client.SendAsync(_response, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // The demo client went away or stalled: nothing to answer.
            }
        }
    }

    /// <summary>Reads until the blank line that ends the request head (or EOF).</summary>
    private static async Task ReadRequestHeadAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0) return;
            filled += read;
            if (buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, filled).IndexOf("\n\n"u8) >= 0) return;
        }
    }

    public void Dispose() => _listener.Dispose();
}
