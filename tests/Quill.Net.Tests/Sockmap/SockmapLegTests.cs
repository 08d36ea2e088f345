using System.Net.Sockets;
using Quill.Net.Interop;
using Quill.Net.Sockmap;

namespace Quill.Net.Tests.Sockmap;

/// <summary>
/// How a kernel-relayed direction counts the bytes taken from its source, on a real TCP pair. TCP_INFO's
/// bytes_received includes the peer's FIN as one byte; epoll may report the FIN only after a count was read.
/// </summary>
public sealed class SockmapLegTests
{
    /// <param name="sourceShutFirst">quill had passed the other direction's EOF on already: the FIN then takes the
    /// source from FIN_WAIT2 to CLOSE, a state that does not say whether a FIN or a reset ended it.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Received_FinCameBeforeEpollSaidSo_IsNotCountedAsAByte(bool sourceShutFirst)
    {
        var (peer, source) = await Loopback.ConnectedPairAsync();
        var (destination, reader) = await Loopback.ConnectedPairAsync();
        using (peer) using (source) using (destination) using (reader)
        {
            var leg = SockmapLeg.Begin((int)destination.Handle)!;
            if (sourceShutFirst)
            {
                source.Shutdown(SocketShutdown.Send);
                Assert.Equal(0, await peer.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(Loopback.Timeout));
            }
            await Loopback.SendAllAsync(peer, "12345"u8.ToArray(), shutdown: true);
            await WaitForFinAsync(source);
            Assert.Equal(5, await source.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(Loopback.Timeout));

            // The sweep that counts live traffic reads before the loop has seen EPOLLRDHUP.
            Assert.Equal(5, leg.Received((int)source.Handle, finReceived: false));

            // Nothing was written to the destination: the FIN is not "drained" until its 5 bytes have gone.
            Assert.False(leg.Drained((int)source.Handle, (int)destination.Handle));
            await destination.SendAsync("12345"u8.ToArray(), SocketFlags.None).WaitAsync(Loopback.Timeout);
            Assert.True(leg.Drained((int)source.Handle, (int)destination.Handle));
            Assert.Equal(5, leg.Received((int)source.Handle, finReceived: true));
        }
    }

    private static async Task WaitForFinAsync(Socket socket)
    {
        var deadline = DateTime.UtcNow + Loopback.Timeout;
        while (!Libc.FinArrived((int)socket.Handle))
        {
            Assert.True(DateTime.UtcNow < deadline, "the peer's FIN never arrived");
            await Task.Delay(5);
        }
    }
}
