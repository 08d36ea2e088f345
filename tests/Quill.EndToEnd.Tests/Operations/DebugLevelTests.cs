using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>-d levels on stderr in the foreground: 1 lifecycle, 2 every connection, 3 data dumps (text with -a).</summary>
public sealed class DebugLevelTests
{
    [Theory]
    [InlineData(new[] { "-d" }, "listening on", "accepted client", false)]
    [InlineData(new[] { "-dd" }, "accepted client 127.0.0.5:", "data from client", false)]
    [InlineData(new[] { "-ddd", "-a" }, "data from client 127.0.0.5 (13 bytes)\n0000: HELLO quill..", null, true)]
    [InlineData(new[] { "-ddd" }, "data from client 127.0.0.5 (13 bytes)\n0000: 48 45 4c 4c 4f 20 71 75 69 6c 6c 0d 0a", null, true)]
    public async Task DebugLevel_ShowsItsEventsAndNotTheNextLevels(string[] options, string shown, string? hidden, bool dumps)
    {
        using var servers = NamedBackends.Start(1);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, options, servers.Specs);
        using (var socket = await LoopbackClient.ConnectAsync(listen.Endpoint, LoopbackClient.Source(5)))
        {
            await socket.SendAsync("HELLO quill\r\n"u8.ToArray(), System.Net.Sockets.SocketFlags.None);
            await LoopbackClient.ReadToEndAsync(socket);
        }

        Assert.True(await Eventually.TrueAsync(() => quill.StandardError.Contains(shown, StringComparison.Ordinal)), quill.StandardError);
        Assert.Equal(0, await quill.StopAsync());
        if (hidden is not null) Assert.DoesNotContain(hidden, quill.StandardError, StringComparison.Ordinal);
        Assert.Equal(dumps, quill.StandardError.Contains("data from client", StringComparison.Ordinal));
    }
}
