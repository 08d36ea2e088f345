using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Quill.Net.Upstream;

namespace Quill.Net.Tests.Upstream;

public sealed class UpstreamConnectorTests
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task ConnectAsync_ListeningBackend_Connects(string address)
    {
        using var listening = Listen(IPAddress.Parse(address));

        var result = await UpstreamConnector.ConnectAsync(listening.LocalEndPoint!, ConnectTimeout, CancellationToken.None).AsTask().WaitAsync(Loopback.Timeout);

        using var socket = result.Socket;
        Assert.True(result.Connected);
        Assert.Equal(SocketError.Success, result.Error);
        Assert.True(socket!.Connected);
    }

    [Fact]
    public async Task ConnectAsync_UnixBackend_Connects()
    {
        using var directory = new TempDirectory();
        var endPoint = directory.SocketEndPoint("backend.sock");
        using var backend = Loopback.ListenUnix(endPoint);

        var result = await UpstreamConnector.ConnectAsync(endPoint, ConnectTimeout, CancellationToken.None).AsTask().WaitAsync(Loopback.Timeout);

        using var socket = result.Socket;
        Assert.True(result.Connected);
        using var accepted = await backend.AcceptAsync().WaitAsync(Loopback.Timeout);
        await socket!.SendAsync("hi"u8.ToArray(), SocketFlags.None).WaitAsync(Loopback.Timeout);
        socket.Shutdown(SocketShutdown.Send);
        Assert.Equal("hi"u8.ToArray(), await Loopback.ReadToEndAsync(accepted));
    }

    [Fact]
    public async Task ConnectAsync_ClosedPort_IsRefused()
    {
        // Bound but not listening: the port stays ours and every SYN is answered with RST.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var result = await UpstreamConnector.ConnectAsync(closed.LocalEndPoint!, ConnectTimeout, CancellationToken.None).AsTask().WaitAsync(Loopback.Timeout);

        Assert.False(result.Connected);
        Assert.Equal(SocketError.ConnectionRefused, result.Error);
        Assert.Equal("refused", result.Reason);
    }

    [Fact]
    public async Task ConnectAsync_MissingUnixSocket_Fails()
    {
        using var directory = new TempDirectory();
        var endPoint = directory.SocketEndPoint("absent.sock");

        var result = await UpstreamConnector.ConnectAsync(endPoint, ConnectTimeout, CancellationToken.None).AsTask().WaitAsync(Loopback.Timeout);

        Assert.False(result.Connected);
        Assert.NotEqual(SocketError.Success, result.Error);
        Assert.False(result.TimedOut);
    }

    [Fact]
    public async Task ConnectAsync_BlackHoledPort_TimesOutWithinBounds()
    {
        using var blackHole = Listen(IPAddress.Loopback, backlog: 0);
        var fillers = await FillAcceptQueueAsync(blackHole.LocalEndPoint!);
        try
        {
            var timeout = TimeSpan.FromMilliseconds(500);
            var clock = Stopwatch.StartNew();

            var result = await UpstreamConnector.ConnectAsync(blackHole.LocalEndPoint!, timeout, CancellationToken.None).AsTask().WaitAsync(Loopback.Timeout);

            clock.Stop();
            Assert.False(result.Connected);
            Assert.True(result.TimedOut);
            Assert.Equal("timed out", result.Reason);
            Assert.InRange(clock.Elapsed, timeout - TimeSpan.FromMilliseconds(50), timeout + TimeSpan.FromSeconds(2));
        }
        finally
        {
            fillers.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task ConnectAsync_ShutdownCancelled_Throws()
    {
        using var blackHole = Listen(IPAddress.Loopback, backlog: 0);
        var fillers = await FillAcceptQueueAsync(blackHole.LocalEndPoint!);
        try
        {
            using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

            var connect = UpstreamConnector.ConnectAsync(blackHole.LocalEndPoint!, TimeSpan.FromSeconds(20), shutdown.Token).AsTask();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.WaitAsync(Loopback.Timeout));
        }
        finally
        {
            fillers.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task ConnectAsync_SourceAndKeepAlive_BindsAndSetsTheOption()
    {
        using var listener = Listen(IPAddress.Loopback);
        var accept = listener.AcceptAsync();

        var result = await UpstreamConnector.ConnectAsync(listener.LocalEndPoint!, ConnectTimeout, CancellationToken.None,
            noDelay: true, keepAlive: true, source: IPAddress.Parse("127.0.0.42"));
        using var socket = result.Socket;
        using var accepted = await accept.WaitAsync(ConnectTimeout);

        Assert.Equal(IPAddress.Parse("127.0.0.42"), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
        Assert.Equal(1, (int)socket!.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.True(socket.NoDelay);
    }

    [Fact]
    public async Task ConnectAsync_SourceOfAnotherFamily_IsIgnored()
    {
        using var listener = Listen(IPAddress.Loopback);
        var accept = listener.AcceptAsync();

        var result = await UpstreamConnector.ConnectAsync(listener.LocalEndPoint!, ConnectTimeout, CancellationToken.None,
            source: IPAddress.IPv6Loopback);
        using var socket = result.Socket;
        using var accepted = await accept.WaitAsync(ConnectTimeout);

        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    private static Socket Listen(IPAddress address, int backlog = 10)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen(backlog);
        return socket;
    }

    /// <summary>Connects until one attempt hangs: the accept queue of a never-accepting listener is then full and further SYNs are dropped.</summary>
    private static async Task<List<Socket>> FillAcceptQueueAsync(EndPoint endPoint)
    {
        var fillers = new List<Socket>();
        for (var attempt = 0; attempt < 16; attempt++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            fillers.Add(socket);
            using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await socket.ConnectAsync(endPoint, patience.Token);
            }
            catch (OperationCanceledException)
            {
                return fillers;
            }
        }

        fillers.ForEach(socket => socket.Dispose());
        throw new InvalidOperationException("the accept queue never filled up");
    }
}
