using System.Diagnostics;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>QUIT stops quill gracefully: no new clients, open connections go on up to --grace, then exit 0.</summary>
public sealed class GracefulStopTests(ITestOutputHelper output)
{
    private const int SigQuit = 3;

    [Fact]
    public async Task Quit_waits_for_a_held_connection_and_exits_when_it_closes()
    {
        using var backend = new EchoBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["--grace", "30"], backend.Spec);
        using var held = await ConnectAsync(listen);
        await EchoAsync(held, 1);

        quill.SendSignal(SigQuit);
        // Accepting stops: a new client is refused once the listener is closed.
        Assert.True(await Eventually.TrueAsync(() => !ListeningSockets.IsListeningIn(quill.Pid, listen.Endpoint)));
        await Assert.ThrowsAsync<SocketException>(async () => (await ConnectAsync(listen)).Dispose());
        await EchoAsync(held, 2);
        Assert.False(quill.HasExited);

        var clock = Stopwatch.StartNew();
        held.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await quill.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        output.WriteLine($"exited {clock.ElapsedMilliseconds} ms after the last connection closed");
    }

    [Fact]
    public async Task Quit_exits_at_the_grace_time_when_a_connection_stays()
    {
        using var backend = new EchoBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["--grace", "2"], backend.Spec);
        using var held = await ConnectAsync(listen);
        await EchoAsync(held, 1);

        var clock = Stopwatch.StartNew();
        quill.SendSignal(SigQuit);
        Assert.Equal(0, await quill.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(12));
        // The held connection was closed at the grace time.
        Assert.Equal(0, await held.ReceiveAsync(new byte[1], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5)));
        output.WriteLine($"exited {clock.ElapsedMilliseconds} ms after QUIT with --grace 2");
    }

    private static async Task<Socket> ConnectAsync(ListenAddress listen)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(listen.Endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task EchoAsync(Socket socket, byte value)
    {
        await socket.SendAsync(new[] { value });
        var back = new byte[1];
        Assert.Equal(1, await socket.ReceiveAsync(back, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(value, back[0]);
    }
}
