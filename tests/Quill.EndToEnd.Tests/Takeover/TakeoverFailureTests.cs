using System.Diagnostics;
using System.Globalization;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Operations;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Takeover;

/// <summary>
/// A takeover whose new process fails leaves the running quill serving: every held connection goes on byte-exact on
/// it, no connection attempt is refused, the pid file names it, and a later takeover still works. The new process
/// fails with a bad -F file, or is SIGKILLed (QUILL_TAKEOVER_FAIL) at each step of the handover. A peer running as
/// another user is refused outright.
/// </summary>
public sealed class TakeoverFailureTests(ITestOutputHelper output)
{
    private const int Streams = 6;

    /// <summary>Steps after which the new process was accepting clients itself: those it had accepted die with it.</summary>
    private static readonly string[] KilledWhileAccepting = ["accepting", "relay", "state"];

    [Theory]
    [InlineData("config")]
    [InlineData("hello")]
    [InlineData("listeners")]
    [InlineData("accepting")]
    [InlineData("relay")]
    [InlineData("state")]
    public async Task The_old_process_serves_on_when_the_new_one_fails(string step)
    {
        using var backend = new StreamingBackend();
        using var configuration = new TempDirectory();
        var file = configuration.File("quill.cfg");
        await File.WriteAllTextAsync(file, "blacklist 7\n");
        using var run = await TakeoverRun.StartAsync([backend.Spec], "-F", file);
        using var streams = await HeldStreams.OpenAsync(run.Listen.Endpoint, Streams);
        await run.WaitForServerConnectionsAsync(Streams);

        await using (var pings = new PingLoop(run.Listen.Endpoint))
        {
            await pings.WaitForAsync(30);
            BalancerProcess failing;
            if (step == "config")
            {
                await File.WriteAllTextAsync(file, "blacklist 7\nno_such_command\n");
                failing = run.TakeOver();
                Assert.Equal(1, await failing.WaitForExitAsync(TimeSpan.FromSeconds(30)));
                Assert.Contains("quill.cfg:2", failing.StandardError);
            }
            else
            {
                failing = run.TakeOver(new Dictionary<string, string> { ["QUILL_TAKEOVER_FAIL"] = step });
                // SIGKILL: 128 + 9.
                Assert.Equal(137, await failing.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            }
            Assert.True(await Eventually.TrueAsync(() => run.Old.StandardError.Contains("takeover failed, serving on", StringComparison.Ordinal),
                TimeSpan.FromSeconds(40)), run.Old.StandardError);
            output.WriteLine(run.Old.StandardError.Split('\n').First(line => line.Contains("takeover failed", StringComparison.Ordinal)));
            Assert.False(run.Old.HasExited);
            Assert.Equal(run.Old.Pid.ToString(CultureInfo.InvariantCulture), await File.ReadAllTextAsync(run.PidFile));
            await pings.WaitForAsync(50);

            backend.ReleaseSecondParts();
            await streams.FinishByteExactAsync(backend);
            await pings.DisposeAsync();
            Assert.Equal(0, pings.Refused);
            output.WriteLine($"{pings.Succeeded} pings, {pings.Failures.Count} failed: {string.Join("; ", pings.Failures)}");
            // Only connections the killed process had accepted itself may die with it.
            if (!KilledWhileAccepting.Contains(step)) Assert.Empty(pings.Failures);
        }

        // Nothing is left half-done: the next takeover works.
        if (step == "config") await File.WriteAllTextAsync(file, "blacklist 7\n");
        await run.WaitUntilTakeoverReadyAsync(run.Old);
        var next = run.TakeOver();
        Assert.Equal(0, await run.Old.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await run.WaitUntilTakeoverReadyAsync(next);
        Assert.Equal(next.Pid.ToString(CultureInfo.InvariantCulture), await File.ReadAllTextAsync(run.PidFile));
    }

    [RootFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_peer_running_as_another_user_is_refused()
    {
        using var backend = new EchoBackend();
        using var run = await TakeoverRun.StartAsync([backend.Spec]);
        // As if the socket and its directory had been opened to everyone: the kernel's word on the peer still counts.
        File.SetUnixFileMode(Path.GetDirectoryName(run.PidFile)!, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(run.TakeoverSocket, (UnixFileMode)0b110_110_110);

        // The intruder is any process of another uid that connects and speaks: the system python3, which every uid may run
        // (a quill build in a private directory, such as a CI clone under a 0700 temporary directory, is not).
        // quill may hang up before the intruder speaks: its send then meets a closed socket (EPIPE), as good as a hang-up.
        const string Intruder = "import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_SEQPACKET)\ns.settimeout(20)\n" +
            "s.connect(sys.argv[1])\ntry:\n  s.send(b'hello')\n  sys.exit(0 if s.recv(64)==b'' else 3)\nexcept (ConnectionResetError, BrokenPipeError): sys.exit(0)\n";
        var intruder = new ProcessStartInfo("setpriv") { RedirectStandardError = true };
        foreach (var argument in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "--", "/usr/bin/python3", "-c", Intruder, run.TakeoverSocket])
            intruder.ArgumentList.Add(argument);
        using (var process = Process.Start(intruder)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine(await stderr);
            Assert.True(process.ExitCode == 0, $"the intruder was not hung up on (exit {process.ExitCode}): {await stderr}");
        }
        Assert.True(await Eventually.TrueAsync(() => run.Old.StandardError.Contains("takeover refused: process ", StringComparison.Ordinal)),
            run.Old.StandardError);
        Assert.Contains("runs as uid 65534, not as quill's uid 0 or root", run.Old.StandardError);
        Assert.DoesNotContain("takeover requested", run.Old.StandardError);
        Assert.False(run.Old.HasExited);
        Assert.True(ListeningSockets.IsListeningIn(run.Old.Pid, run.Listen.Endpoint));
    }
}
