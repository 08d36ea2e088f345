using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>A loopback backend that sends back every byte it receives, until the client closes.</summary>
internal sealed class EchoBackend : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public EchoBackend()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Spec => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task AcceptAsync()
    {
        try
        {
            while (true) _ = EchoAsync(await _listener.AcceptSocketAsync(_stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, _stop.Token)) > 0)
                    await socket.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // Client gone or stopped.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
