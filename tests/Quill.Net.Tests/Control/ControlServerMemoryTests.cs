using System.Text;
using Quill.Net.Control;
using Xunit;

namespace Quill.Net.Tests.Control;

[CollectionDefinition(nameof(ControlServerMemoryTests), DisableParallelization = true)]
public sealed class ControlServerMemoryCollection;

/// <summary>Runs alone, so that the process-wide allocation count reflects only this test.</summary>
[Collection(nameof(ControlServerMemoryTests))]
public sealed class ControlServerMemoryTests
{
    [Fact]
    public async Task OneMegabyteLine_IsRejectedWithoutBufferingIt()
    {
        var dispatcher = new RecordingDispatcher();
        using var server = ControlServer.Start(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), _ => true, dispatcher.Dispatch);
        var line = new byte[1 << 20];
        line.AsSpan().Fill((byte)'a');
        // Warm up sockets, tasks and the buffer pool so the measurement sees only the big line.
        Assert.Equal("got pid\n", await ControlTestClient.ExchangeAsync(server.LocalEndPoint, "pid\n"));

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var client = await ControlTestClient.ConnectAsync(server.LocalEndPoint);
        var sending = ControlTestClient.SendAsync(client, line);
        var reply = await ControlTestClient.ReadToEndAsync(client);
        await sending;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("control: command longer than 4096 bytes\n", Encoding.Latin1.GetString(reply));
        Assert.Equal(["pid"], dispatcher.Commands);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes while rejecting a 1 MB line");
    }
}
