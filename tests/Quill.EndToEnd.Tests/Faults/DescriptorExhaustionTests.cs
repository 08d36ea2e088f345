using System.Net.Sockets;
using Xunit.Abstractions;
using System.Text.RegularExpressions;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>
/// Out of descriptors: quill says so once, keeps moving the bytes of the connections it has, does not spin, and
/// serves the clients that waited once descriptors free. Before the fix it logged every 50 ms per loop and then
/// died: Console opened its stderr on the first message (EMFILE), or .NET could not start a thread ("Out of memory").
/// </summary>
public sealed partial class DescriptorExhaustionTests(ITestOutputHelper output)
{
    private const string Prlimit = "/usr/bin/prlimit";
    private const int Waiting = 8;
    private const double SpinLimit = 0.10;
    private static readonly TimeSpan Served = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan NotServed = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan CpuWindow = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task LowLimitAtStart_ServesWhatFits_OthersWaitWithoutSpinning_ThenAreServed()
    {
        Assert.True(File.Exists(Prlimit), $"{Prlimit} is needed (util-linux)");
        using var backend = new EchoBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-x", "1000", listen.Argument, backend.Spec],
            launcher: [Prlimit, "--nofile=256", "--"]);
        await quill.WaitUntilListeningAsync(listen);
        Assert.True(await Eventually.TrueAsync(() => RoomMessage().IsMatch(quill.StandardError)), quill.StandardError);
        var room = int.Parse(RoomMessage().Match(quill.StandardError).Groups[1].Value);
        using var held = new ClientSockets();

        for (var i = 0; i < room; i++)
            Assert.True(await Echo.AnswersWithinAsync(await held.OpenAsync(listen.Endpoint), Served), $"client {i} of {room} not served");
        var waiting = new List<Socket>();
        for (var i = 0; i < Waiting; i++)
            waiting.Add(await held.OpenAsync(listen.Endpoint));
        Assert.False(await Echo.AnswersWithinAsync(waiting[0], NotServed), "a client beyond the room was served");
        var cpu = await ProcessCpu.ShareOfACoreAsync(quill.Pid, CpuWindow);
        var descriptors = quill.Status.OpenDescriptors;
        held.Close(room);

        foreach (var client in waiting)
            Assert.True(await Echo.AnswersWithinAsync(client, Served), "a waiting client was not served after others closed");
        output.WriteLine($"ulimit -n 256: room for {room} connections, {descriptors} descriptors open, {cpu:P1} of a core while {Waiting} waited");
        Assert.True(cpu < SpinLimit, $"quill used {cpu:P0} of a core while clients waited");
        Assert.True(descriptors <= 256, $"{descriptors} descriptors open");
        Assert.Single(RoomMessage().Matches(quill.StandardError));
        Assert.DoesNotContain("accept failed", quill.StandardError, StringComparison.Ordinal);
        Assert.False(quill.HasExited);
    }

    /// <summary>
    /// Whichever needs a descriptor first meets EMFILE. Where the open descriptors leave a hole below the limit (the
    /// NativeAOT build opens fewer, in another order), accept takes it and the server socket fails instead: that client
    /// is closed, and no more are accepted until there is room (before, each waiting client was accepted into the hole
    /// in turn only to be closed, one log line each).
    /// </summary>
    [Fact]
    public async Task LimitLoweredWhileRunning_FailureLoggedOnce_HeldConnectionsMove_NoSpin_Recovers()
    {
        Assert.True(File.Exists(Prlimit), $"{Prlimit} is needed (util-linux)");
        using var backend = new EchoBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-x", "1000"], backend.Spec);
        using var clients = new ClientSockets();
        var held = new List<Socket>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await clients.OpenAsync(listen.Endpoint));
            Assert.True(await Echo.AnswersWithinAsync(held[^1], Served));
        }

        // Not one descriptor to spare beyond the open ones.
        await LimitAsync(quill.Pid, quill.Status.OpenDescriptors);
        var waiting = new List<Socket>();
        for (var i = 0; i < Waiting; i++)
            waiting.Add(await clients.OpenAsync(listen.Endpoint));
        Assert.True(await Eventually.TrueAsync(() => OutOfDescriptors().IsMatch(quill.StandardError)),
            $"no failure logged; stderr: {quill.StandardError}");
        Assert.False(quill.HasExited, quill.StandardError);
        var cpu = await ProcessCpu.ShareOfACoreAsync(quill.Pid, CpuWindow);
        foreach (var client in held)
            Assert.True(await Echo.AnswersWithinAsync(client, Served), "a connection quill had stopped moving bytes");
        await LimitAsync(quill.Pid, 4096);

        var closed = 0;
        foreach (var client in waiting)
        {
            var outcome = await Echo.OutcomeWithinAsync(client, Served);
            Assert.True(outcome != Echo.Outcome.Silent, $"a waiting client was neither served nor closed; stderr: {quill.StandardError}");
            if (outcome == Echo.Outcome.Closed) closed++;
        }
        output.WriteLine($"out of descriptors: {cpu:P1} of a core over {CpuWindow.TotalSeconds} s, {closed} of {Waiting} waiting clients closed");
        Assert.True(cpu < SpinLimit, $"quill used {cpu:P0} of a core while out of descriptors");
        Assert.True(closed <= 1, $"{closed} waiting clients were closed instead of waiting; stderr: {quill.StandardError}");
        Assert.Single(OutOfDescriptors().Matches(quill.StandardError));
        if (quill.StandardError.Contains("accept failed", StringComparison.Ordinal))
            Assert.Contains("accepting again", quill.StandardError, StringComparison.Ordinal);
        else
            Assert.Contains("the server is not blacklisted for quill's own shortage", quill.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("blacklisting server", quill.StandardError, StringComparison.Ordinal);
        Assert.False(quill.HasExited);
    }

    /// <summary>Sets the soft limit only: the hard one stays, so it can be raised again without CAP_SYS_RESOURCE.</summary>
    private static async Task LimitAsync(int pid, int soft)
    {
        using var prlimit = System.Diagnostics.Process.Start(Prlimit, ["--pid", $"{pid}", $"--nofile={soft}:"]);
        await prlimit.WaitForExitAsync(new CancellationTokenSource(Served).Token);
        Assert.Equal(0, prlimit.ExitCode);
    }

    [GeneratedRegex(@"leaves room for (\d+) connections at once")]
    private static partial Regex RoomMessage();

    [GeneratedRegex("accept failed: too many open files|cannot connect client .* too many open files")]
    private static partial Regex OutOfDescriptors();
}
