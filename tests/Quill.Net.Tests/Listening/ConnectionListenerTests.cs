using System.Net;
using System.Net.Sockets;
using Quill.Net.Listening;

namespace Quill.Net.Tests.Listening;

public sealed class ConnectionListenerTests
{
    [Fact]
    public async Task AcceptAsync_IPv4Loopback_AcceptsAndCarriesBytes()
    {
        using var listener = ConnectionListener.Open(new IPEndPoint(IPAddress.Loopback, 0), backlog: 50);

        await AssertAcceptsAsync(listener, AddressFamily.InterNetwork);
    }

    [Fact]
    public async Task AcceptAsync_IPv6Loopback_AcceptsAndCarriesBytes()
    {
        using var listener = ConnectionListener.Open(new IPEndPoint(IPAddress.IPv6Loopback, 0), backlog: 50);

        await AssertAcceptsAsync(listener, AddressFamily.InterNetworkV6);
    }

    [Fact]
    public async Task Open_UnixPath_ReplacesExistingFileAndDisposeRemovesIt()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "quill.sock");
        await File.WriteAllTextAsync(path, "stale");

        using (var listener = ConnectionListener.Open(new UnixDomainSocketEndPoint(path), backlog: 50))
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            var accept = listener.AcceptAsync(CancellationToken.None).AsTask();
            await client.ConnectAsync(new UnixDomainSocketEndPoint(path)).WaitAsync(Loopback.Timeout);
            using var accepted = await accept.WaitAsync(Loopback.Timeout);
            await client.SendAsync("x"u8.ToArray(), SocketFlags.None).WaitAsync(Loopback.Timeout);
            var buffer = new byte[1];
            Assert.Equal(1, await accepted.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Loopback.Timeout));
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Abandon_UnixPath_LeavesTheFileToTheListenerAdoptedFromIt()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "quill.sock");
        var first = ConnectionListener.Open(new UnixDomainSocketEndPoint(path), backlog: 50);
        // Passed as a takeover passes it (SCM_RIGHTS): the receiver knows the socket only by what getsockname says.
        using var sender = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        using var receiver = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        var pair = Path.Combine(directory.Path, "pair");
        receiver.Bind(new UnixDomainSocketEndPoint(pair));
        receiver.Listen(1);
        sender.Connect(new UnixDomainSocketEndPoint(pair));
        using var accepted = receiver.Accept();
        Assert.Equal(1, Interop.Libc.SendWithDescriptors((int)sender.Handle, "l"u8, [first.Descriptor]));
        var fds = new List<int>();
        Assert.Equal(1, Interop.Libc.ReceiveWithDescriptors((int)accepted.Handle, new byte[1], fds));
        var handed = Assert.Single(fds);

        first.Abandon();
        Assert.True(File.Exists(path));

        using (var adopted = ConnectionListener.FromDescriptor(handed))
            Assert.Equal(path, adopted.LocalEndPoint.ToString());
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("/run/quill/quill.ctl.4242", "/run/quill/quill.ctl")]
    [InlineData("/run/quill/quill.ctl", "/run/quill/quill.ctl")]
    [InlineData("/run/quill.1.77", "/run/quill.1")]
    [InlineData("/run/quill.", "/run/quill.")]
    public void PathOf_BoundName_DropsThePidSuffix(string bound, string path) =>
        Assert.Equal(path, UnixSocketFile.PathOf(bound));

    [Fact]
    public void Open_PortInUse_ThrowsAddressAlreadyInUse()
    {
        using var first = ConnectionListener.Open(new IPEndPoint(IPAddress.Loopback, 0), backlog: 50);

        var error = Assert.Throws<SocketException>(() => ConnectionListener.Open(first.LocalEndPoint, backlog: 50));

        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
        Assert.Equal("address already in use", SocketErrorText.Describe(error.SocketErrorCode));
    }

    [Fact]
    public async Task AcceptAsync_NoDelayRequested_SetsItOnAcceptedSockets()
    {
        using var listener = ConnectionListener.Open(new IPEndPoint(IPAddress.Loopback, 0), backlog: 50, noDelay: true);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        var accept = listener.AcceptAsync(CancellationToken.None).AsTask();
        await client.ConnectAsync(listener.LocalEndPoint).WaitAsync(Loopback.Timeout);
        using var accepted = await accept.WaitAsync(Loopback.Timeout);

        Assert.True(accepted.NoDelay);
    }

    [Fact]
    public async Task AcceptAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var listener = ConnectionListener.Open(new IPEndPoint(IPAddress.Loopback, 0), backlog: 50);
        using var cancellation = new CancellationTokenSource();

        var accept = listener.AcceptAsync(cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept.WaitAsync(Loopback.Timeout));
    }

    private static async Task AssertAcceptsAsync(ConnectionListener listener, AddressFamily family)
    {
        var local = Assert.IsType<IPEndPoint>(listener.LocalEndPoint);
        Assert.NotEqual(0, local.Port);
        using var client = new Socket(family, SocketType.Stream, ProtocolType.Tcp);

        var accept = listener.AcceptAsync(CancellationToken.None).AsTask();
        await client.ConnectAsync(local).WaitAsync(Loopback.Timeout);
        using var accepted = await accept.WaitAsync(Loopback.Timeout);
        await client.SendAsync("ping"u8.ToArray(), SocketFlags.None).WaitAsync(Loopback.Timeout);
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("ping"u8.ToArray(), await Loopback.ReadToEndAsync(accepted));
        Assert.Equal(family, accepted.AddressFamily);
    }
}
