using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.Net.Control;
using Xunit;

namespace Quill.Net.Tests.Control;

public sealed class ControlServerStopTests
{
    [Fact]
    public async Task StopAsync_LetsTheReplyInProgressReachItsClient()
    {
        using var dispatched = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var server = ControlServer.Start(new IPEndPoint(IPAddress.Loopback, 0), _ => true, command =>
        {
            // The exit command: the process starts stopping while this reply is still on its way.
            dispatched.Release();
            release.Wait(ControlTestClient.Timeout);
            return "bye\n";
        });
        using var client = await ControlTestClient.ConnectAsync(server.LocalEndPoint);
        await ControlTestClient.SendAsync(client, Encoding.ASCII.GetBytes("exit\n"));
        Assert.True(await dispatched.WaitAsync(ControlTestClient.Timeout));

        var stopping = server.StopAsync(ControlTestClient.Timeout);
        release.Release();

        Assert.Equal("bye\n", Encoding.ASCII.GetString(await ControlTestClient.ReadToEndAsync(client)));
        client.Dispose();
        await stopping.WaitAsync(ControlTestClient.Timeout);
    }

    [Fact]
    public async Task StopAsync_StopsAccepting()
    {
        var server = ControlServer.Start(new IPEndPoint(IPAddress.Loopback, 0), _ => true, _ => "");
        var endPoint = server.LocalEndPoint;

        await server.StopAsync(ControlTestClient.Timeout).WaitAsync(ControlTestClient.Timeout);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(endPoint).WaitAsync(ControlTestClient.Timeout));
    }

    [Fact]
    public async Task StopAsync_SilentClient_GivesUpAfterTheWait()
    {
        var server = ControlServer.Start(new IPEndPoint(IPAddress.Loopback, 0), _ => true, _ => "");
        using var silent = await ControlTestClient.ConnectAsync(server.LocalEndPoint);

        await server.StopAsync(TimeSpan.FromMilliseconds(100)).WaitAsync(ControlTestClient.Timeout);

        Assert.Empty(await ControlTestClient.ReadToEndAsync(silent));
    }
}
