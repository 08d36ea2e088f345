using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Security;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Proxy;

/// <summary>
/// The end-to-end half of the <c>proxy</c> fuzz target: random bad PROXY headers (truncated, wrong signature, an
/// oversized v2 length, a bad v2 family, random bytes) sent to the real quill with accept_proxy, mixed with good
/// headers followed by random payloads. A bad header reaches no server at all; behind a good one the server gets the
/// payload and not one byte of the header. The seed is printed, so a failure can be repeated.
/// </summary>
public sealed class ProxyHeaderEndToEndFuzzTests(ITestOutputHelper output)
{
    private const int Connections = 150;
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    [Fact]
    public async Task RandomHeaders_NoByteOfABadHeaderReachesTheServer()
    {
        var seed = Environment.GetEnvironmentVariable("QUILL_PROXY_E2E_SEED") is { } text ? int.Parse(text) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (QUILL_PROXY_E2E_SEED repeats it)");
        var random = new Random(seed);
        using var backend = new RecordingBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-o", "accept_proxy 0", "-o", "accept_proxy_timeout 2000"], backend.Spec);

        int good = 0, bad = 0;
        for (var i = 0; i < Connections; i++)
        {
            var payload = random.Next(3) == 0 ? [] : RandomBytes(random, random.Next(1, 300));
            var sendsGood = random.Next(3) == 0;
            var header = sendsGood ? GoodHeader(random) : BadHeader(random, out _);
            using var client = await LoopbackClient.ConnectAsync(listen.Endpoint);
            try
            {
                // A bad header goes alone: bytes after a truncated one could complete it into a good one.
                await client.SendAsync(sendsGood ? [.. header, .. payload] : header);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // quill may close on a bad header before the rest is sent: that is the point.
            }
            if (sendsGood)
            {
                good++;
                var received = backend.NextReceived(TimeSpan.FromSeconds(15));
                Assert.Equal(Convert.ToHexString(payload), Convert.ToHexString(Encoding.Latin1.GetBytes(received)));
            }
            else
            {
                bad++;
                Assert.True(await LoopbackClient.IsClosedWithinAsync(client, TimeSpan.FromSeconds(10)), $"bad header {Convert.ToHexString(header)} left open");
            }
        }

        // Any connection a bad header had opened to the server would be recorded here.
        Assert.Throws<TimeoutException>(() => backend.NextReceived(TimeSpan.FromMilliseconds(500)));
        Assert.False(quill.HasExited);
        output.WriteLine($"{good} good headers, {bad} bad ones");
    }

    private static byte[] GoodHeader(Random random)
    {
        var source = new IPAddress(RandomBytes(random, 4));
        var port = random.Next(0, 65536);
        if (random.Next(2) == 0) return Encoding.ASCII.GetBytes($"PROXY TCP4 {source} 127.0.0.1 {port} 80\r\n");
        return [.. Signature, 0x21, 0x11, 0, 12, .. source.GetAddressBytes(), 127, 0, 0, 1, (byte)(port >> 8), (byte)port, 0, 80];
    }

    /// <summary>A header quill must refuse; <paramref name="kind"/> says how it is bad.</summary>
    private static byte[] BadHeader(Random random, out string kind)
    {
        var good = GoodHeader(random);
        switch (random.Next(5))
        {
            case 0:
                kind = "truncated";
                return good[..random.Next(1, good.Length)];
            case 1:
                kind = "wrong signature";
                var bent = good.ToArray();
                bent[0] = (byte)random.Next(0x0E, 0x50);
                return bent;
            case 2:
                kind = "oversized v2 length";
                return [.. Signature, 0x21, 0x11, (byte)random.Next(5, 256), (byte)random.Next(256), .. RandomBytes(random, random.Next(0, 64))];
            case 3:
                kind = "bad v2 family";
                return [.. Signature, 0x21, (byte)((random.Next(4, 16) << 4) | 1), 0, 12, .. RandomBytes(random, 12)];
            default:
                kind = "random";
                var bytes = RandomBytes(random, random.Next(1, 200));
                bytes[0] = (byte)random.Next(0x0E, 0x50);
                return bytes;
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
