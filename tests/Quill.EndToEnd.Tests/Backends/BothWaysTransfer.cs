using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>Sends a checksummed stream each way at once through a balancer and checks that both arrive byte-exact.</summary>
internal static class BothWaysTransfer
{
    public const int TwentyMegabytes = 20 * 1024 * 1024;

    /// <param name="start">Starts the balancer on the listen address in front of the backend spec it is given.</param>
    /// <param name="seed">Seeds the downward stream; the upward one uses the next number.</param>
    public static async Task AssertByteExactAsync(Func<ListenAddress, string, Task<BalancerProcess>> start, int seed)
    {
        var down = new ChecksumStream(seed, TwentyMegabytes);
        var up = new ChecksumStream(seed + 1, TwentyMegabytes);
        using var backend = new ChecksumBackend(down);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await start(listen, backend.Spec);
        using var socket = await LoopbackClient.ConnectAsync(listen.Endpoint);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var sending = up.SendAsync(socket, deadline.Token);
        var received = await ChecksumStream.ReceiveAsync(socket, deadline.Token);
        await sending;
        var atBackend = await backend.Received.WaitAsync(deadline.Token);

        Assert.Equal(down.Length, received.Length);
        Assert.Equal(down.Sha256, received.Sha256);
        Assert.Equal(up.Length, atBackend.Length);
        Assert.Equal(up.Sha256, atBackend.Sha256);
    }
}
