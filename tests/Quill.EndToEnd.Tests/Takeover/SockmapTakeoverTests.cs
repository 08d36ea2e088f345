using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// A kernel-relayed (--sockmap) connection whose server reads slowly: on --takeover the kernel still holds bytes for
/// that server, which the old process waits for over its passes (never on its event loop) before the connection moves.
/// </summary>
public sealed class SockmapTakeoverTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_kernel_relayed_stream_to_a_slow_server_leaves_the_kernel_moves_and_arrives_byte_exact()
    {
        var stream = new ChecksumStream(seed: 21, length: 64 * MiB);
        using var sink = new ThrottledSink(bytesPerSecond: 16L * MiB, released: true);
        using var run = await TakeoverRun.StartAsync([sink.Spec], "--sockmap");
        using var client = await LoopbackClient.ConnectAsync(run.Listen.Endpoint);
        var sending = stream.SendAsync(client, CancellationToken.None);
        // Well under way: the kernel holds bytes for the server, whose socket is full.
        Assert.True(await Eventually.TrueAsync(() => sink.ReadSoFar > 8 * MiB), "the server never got 8 MiB");

        run.TakeOver();
        Assert.Equal(0, await run.Old.WaitForExitAsync(Bounded));
        var moved = Regex.Match(run.Old.StandardError, @"taken over: (\d+) connections moved in (\d+) ms");
        Assert.True(moved.Success, run.Old.StandardError);
        Assert.Equal("1", moved.Groups[1].Value);
        output.WriteLine($"moved at {sink.ReadSoFar / MiB} MiB read: {moved.Value}");

        await sending.WaitAsync(Bounded);
        var (sha256, length) = await sink.Received.WaitAsync(Bounded);
        Assert.Equal(stream.Length, length);
        Assert.Equal(stream.Sha256, sha256);
    }
}
