using System.Net;
using System.Net.Sockets;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// A port whose connects neither succeed nor fail: a listening socket with backlog 0 that never accepts, its
/// queue filled up front, so the kernel drops every further SYN and a connect can only time out.
/// </summary>
internal sealed class BlackHole : IDisposable
{
    private const int MaxFillers = 8;
    private static readonly TimeSpan FillerConnectTimeout = TimeSpan.FromMilliseconds(300);

    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    private BlackHole(Socket listener) => _listener = listener;

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public string Spec => $"127.0.0.1:{Port}";

    public static async Task<BlackHole> OpenAsync(int port = 0)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(0);
        var hole = new BlackHole(listener);
        try
        {
            await hole.FillQueueAsync().ConfigureAwait(false);
            return hole;
        }
        catch
        {
            hole.Dispose();
            throw;
        }
    }

    private async Task FillQueueAsync()
    {
        for (var filler = 0; filler < MaxFillers; filler++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _fillers.Add(socket);
            using var timeout = new CancellationTokenSource(FillerConnectTimeout);
            try
            {
                await socket.ConnectAsync(_listener.LocalEndPoint!, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // The queue is full: this SYN was dropped, and so will every later one be.
            }
        }
        throw new InvalidOperationException($"backlog 0 still accepted {MaxFillers} connects; cannot make a black hole");
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
            filler.Dispose();
        _listener.Dispose();
    }
}
