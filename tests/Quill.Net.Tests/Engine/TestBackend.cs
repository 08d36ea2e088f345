using System.Net;
using System.Net.Sockets;

namespace Quill.Net.Tests.Engine;

/// <summary>A loopback server that runs <paramref name="serve"/> for each connection, then closes it.</summary>
internal sealed class TestBackend : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Socket, Task> _serve;

    public TestBackend(Func<Socket, Task> serve)
    {
        _serve = serve;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _ = AcceptAsync();
    }

    public EndPoint EndPoint => _listener.LocalEndPoint!;

    /// <summary>Greets with a line and closes at once, whether or not the client has sent anything.</summary>
    public static TestBackend Greeter() => new(async s => await s.SendAsync("s0\n"u8.ToArray(), SocketFlags.None));

    /// <summary>Echoes everything until EOF, then closes.</summary>
    public static TestBackend Echo() => new(async s =>
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await s.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Loopback.Timeout)) > 0)
            await Loopback.SendAllAsync(s, buffer.AsMemory(0, read), shutdown: false);
    });

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                await _serve(connection);
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                // The test decides what counts; a backend error only ends this connection.
            }
        }
    }
}
