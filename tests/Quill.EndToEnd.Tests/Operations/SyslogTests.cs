using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>
/// The daemon's debug output and USR1 statistics go to syslog (facility user, ident quill). The test stands in
/// for the syslog daemon on /dev/log, so it runs only where none is listening there.
/// </summary>
public sealed class SyslogTests
{
    private const string DevLog = "/dev/log";
    private const int Usr1 = 10;

    [SyslogCaptureFact]
    public async Task Daemon_DebugAndUsr1Statistics_GoToSyslogFacilityUser()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(DevLog));
        var pid = 0;
        try
        {
            var listen = ListenAddress.Loopback(FreePorts.Next());
            var (exit, _, error) = await ProcessTests.RunCommandAsync(RepositoryLayout.QuillExecutable, directory.Path,
                ["-d", "-p", "quill.pid", listen.Argument, .. servers.Specs]);
            Assert.True(exit == 0, error);
            pid = int.Parse(File.ReadAllText(directory.File("quill.pid")), CultureInfo.InvariantCulture);

            var tag = $"<15>"; // facility user (1 << 3) | priority debug (7)
            var listening = await ReceiveUntilAsync(syslog, "listening on");
            Assert.StartsWith(tag, listening, StringComparison.Ordinal);
            Assert.Contains($"quill[{pid}]: ", listening, StringComparison.Ordinal);

            PosixNative.SendSignal(pid, Usr1);
            Assert.Contains("Max number of clients: 2048", await ReceiveUntilAsync(syslog, "Max number of clients"), StringComparison.Ordinal);
        }
        finally
        {
            if (pid != 0) PosixNative.SendSignal(pid, PosixNative.SigTerm);
            File.Delete(DevLog);
        }

        Assert.True(await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{pid}")), "the daemon did not stop on TERM");
    }

    private static async Task<string> ReceiveUntilAsync(Socket syslog, string wanted)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        while (true)
        {
            var read = await syslog.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            var message = Encoding.UTF8.GetString(buffer, 0, read);
            if (message.Contains(wanted, StringComparison.Ordinal)) return message;
        }
    }
}

/// <summary>Runs only as root and where nothing already owns /dev/log.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SyslogCaptureFactAttribute : FactAttribute
{
    public SyslogCaptureFactAttribute()
    {
        if (!OperationsLayout.IsRoot) Skip = "needs root to stand in for syslog on /dev/log";
        else if (File.Exists("/dev/log") || Directory.Exists("/dev/log")) Skip = "a syslog daemon owns /dev/log";
    }
}
