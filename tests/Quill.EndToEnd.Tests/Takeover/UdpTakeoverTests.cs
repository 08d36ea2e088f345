using System.Globalization;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// quill -U --takeover: the new process takes the listen socket and every UDP session with its upstream socket.
/// Clients exchanging datagrams across takeovers in a row lose none, every session keeps its server, a reply the server
/// sends after the old process has gone still reaches its client, and the counters carry on. A new process killed
/// mid-handover leaves the old one serving the same sessions, with no descriptor more than before. A -U quill does not
/// take over from a TCP one.
/// </summary>
public sealed class UdpTakeoverTests(ITestOutputHelper output)
{
    private const int Sessions = 4;
    private const int Rounds = 3;
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sessions_move_with_their_sockets_through_takeovers_in_a_row_and_replies_reach_clients_after_the_old_processes_exit()
    {
        using var sessions = await UdpSessionsRun.StartAsync(Sessions);
        var (run, clients) = (sessions.Run, sessions.Clients);
        await using (var exchanges = new UdpExchanges(clients, sessions.Servers))
        {
            // Each new process hands the sessions on to the next, and holds as many sockets as the first: the listen
            // socket, one per session, the control and takeover listeners; none left over from the handover.
            var sockets = OpenSockets(run.Old.Pid);
            for (var round = 0; round < Rounds; round++)
            {
                await exchanges.WaitForAsync(20);
                var serving = run.Newest;
                var next = run.TakeOver();
                Assert.Equal(0, await serving.WaitForExitAsync(ExitLimit));
                output.WriteLine(serving.StandardError.Split('\n').First(line => line.Contains("taken over:", StringComparison.Ordinal)));
                Assert.Contains($"taken over: {Sessions} UDP sessions moved", serving.StandardError);
                await run.WaitUntilTakeoverReadyAsync(next);
                Assert.True(await Eventually.TrueAsync(() => OpenSockets(next.Pid) == sockets),
                    $"round {round}: {OpenSockets(next.Pid)} sockets open, {sockets} in the first process");
            }
            var beforeExit = exchanges.Completed;

            // Sent to the first process, answered by the servers only now: the last one relays the replies.
            await sessions.ReleaseHeldAsync();
            await exchanges.WaitForAsync(40);
            await exchanges.DisposeAsync();
            output.WriteLine($"{exchanges.Completed} exchanges, {exchanges.Completed - beforeExit} after the last takeover");
            Assert.Empty(exchanges.Failures);
        }
        Assert.All(clients, client => Assert.Equal(0, client.Refused));

        // The new process's counters carry on from the old one's: every datagram counted once, each server still holds two sessions.
        var expected = (clients.Sum(c => c.BytesSent), clients.Sum(c => c.BytesReceived));
        var listed = await Eventually.ValueAsync(() => run.AskAsync("servers"), reply => Totals(reply) == expected);
        Assert.Equal(expected, Totals(listed));
        Assert.Equal(2, Regex.Matches(listed, " conn 2 ").Count);
    }

    [Theory]
    [InlineData("accepting")]
    [InlineData("session")]
    [InlineData("state")]
    public async Task The_old_process_serves_its_sessions_on_when_the_new_one_is_killed_mid_handover(string step)
    {
        using var sessions = await UdpSessionsRun.StartAsync(Sessions);
        var (run, clients) = (sessions.Run, sessions.Clients);
        await using (var exchanges = new UdpExchanges(clients, sessions.Servers))
        {
            await exchanges.WaitForAsync(20);
            var descriptors = OpenDescriptors(run.Old.Pid);
            var failing = run.TakeOver(new Dictionary<string, string> { ["QUILL_TAKEOVER_FAIL"] = step });
            // SIGKILL: 128 + 9.
            Assert.Equal(137, await failing.WaitForExitAsync(ExitLimit));
            Assert.True(await Eventually.TrueAsync(() => run.Old.StandardError.Contains("takeover failed, serving on", StringComparison.Ordinal),
                TimeSpan.FromSeconds(40)), run.Old.StandardError);
            output.WriteLine(run.Old.StandardError.Split('\n').First(line => line.Contains("takeover failed", StringComparison.Ordinal)));
            Assert.False(run.Old.HasExited);
            Assert.Equal(run.Old.Pid.ToString(CultureInfo.InvariantCulture), await File.ReadAllTextAsync(run.PidFile));

            await sessions.ReleaseHeldAsync();
            await exchanges.WaitForAsync(40);
            await exchanges.DisposeAsync();
            Assert.Empty(exchanges.Failures);
            // What it handed and took back, it holds once: as many descriptors as before.
            Assert.True(await Eventually.TrueAsync(() => OpenDescriptors(run.Old.Pid) == descriptors),
                $"{OpenDescriptors(run.Old.Pid)} descriptors open, {descriptors} before the takeover");
        }
        Assert.All(clients, client => Assert.Equal(0, client.Refused));

        // Nothing is left half-done: the next takeover moves the same sessions.
        await run.WaitUntilTakeoverReadyAsync(run.Old);
        var next = run.TakeOver();
        Assert.Equal(0, await run.Old.WaitForExitAsync(ExitLimit));
        Assert.Contains($"taken over: {Sessions} UDP sessions moved", run.Old.StandardError);
        for (var i = 0; i < Sessions; i++) Assert.Equal(sessions.Servers[i], await clients[i].ExchangeAsync($"after-{i}"));
        Assert.False(next.HasExited);
    }

    [Fact]
    public async Task A_udp_quill_does_not_take_over_from_a_tcp_one_which_serves_on()
    {
        using var backend = new EchoBackend();
        using var run = await TakeoverRun.StartAsync([backend.Spec]);

        using var udp = BalancerProcess.Launch(BalancerKind.Quill, ["--takeover", "-U", .. run.Arguments]);
        Assert.Equal(1, await udp.WaitForExitAsync(ExitLimit));
        Assert.Contains("the running quill balances TCP", udp.StandardError);
        Assert.True(await Eventually.TrueAsync(() => run.Old.StandardError.Contains("takeover failed, serving on", StringComparison.Ordinal)),
            run.Old.StandardError);
        Assert.False(run.Old.HasExited);
        Assert.True(ListeningSockets.IsListeningIn(run.Old.Pid, run.Listen.Endpoint));
        using var client = await LoopbackClient.ConnectAsync(run.Listen.Endpoint);
        await client.SendAsync("still here\n"u8.ToArray());
        Assert.Equal("still here", await LoopbackClient.ReadLineAsync(client));
    }

    /// <summary>The bytes to and from all servers, as <c>servers</c> lists them.</summary>
    private static (long ToServers, long ToClients) Totals(string servers)
    {
        var lines = Regex.Matches(servers, @" sx (\d+) rx (\d+)");
        return (lines.Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
            lines.Sum(m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
    }

    private static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>The process's descriptors that are sockets, each counted (two of one socket are two).</summary>
    private static int OpenSockets(int pid) =>
        Directory.GetFileSystemEntries($"/proc/{pid}/fd").Count(fd => new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);
}
