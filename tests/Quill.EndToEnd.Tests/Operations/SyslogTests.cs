using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>
/// The daemon's debug output and USR1 statistics go to syslog (facility user unless syslog_facility says another,
/// ident quill), each record at its message's severity. The test stands in for the syslog daemon on /dev/log, so it
/// runs only where none is listening there; the tests of this class take turns on it.
/// </summary>
public sealed class SyslogTests
{
    private const string DevLog = "/dev/log";
    private const int Usr1 = 10;

    [SyslogCaptureFact]
    public async Task Daemon_DebugAndUsr1Statistics_GoToSyslogFacilityUser_AtTheirSeverities()
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

            // The priority is facility × 8 + severity: user (1) with info (6) for a -d level-1 message.
            var listening = await ReceiveUntilAsync(syslog, "listening on");
            Assert.StartsWith("<14>", listening, StringComparison.Ordinal);
            Assert.Contains($"quill[{pid}]: ", listening, StringComparison.Ordinal);

            // USR1 statistics are news, not trouble: notice (5).
            PosixNative.SendSignal(pid, Usr1);
            var statistics = await ReceiveUntilAsync(syslog, "Max number of clients");
            Assert.Contains("Max number of clients: 2048", statistics, StringComparison.Ordinal);
            Assert.StartsWith("<13>", statistics, StringComparison.Ordinal);
        }
        finally
        {
            if (pid != 0) PosixNative.SendSignal(pid, PosixNative.SigTerm);
            File.Delete(DevLog);
        }

        Assert.True(await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{pid}")), "the daemon did not stop on TERM");
    }

    [SyslogCaptureFact]
    public async Task Daemon_SyslogFacilityOption_SetsTheFacilityBits_AndAFailureIsAWarning()
    {
        using var directory = new TempDirectory();
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(DevLog));
        // A server nothing listens on: connecting to it fails, and its blacklisting is logged without -d.
        var deadServer = $"127.0.0.1:{FreePorts.Next()}";
        var pid = 0;
        try
        {
            var listen = ListenAddress.Loopback(FreePorts.Next());
            var (exit, _, error) = await ProcessTests.RunCommandAsync(RepositoryLayout.QuillExecutable, directory.Path,
                ["--syslog-facility", "local3", "-p", "quill.pid", listen.Argument, deadServer]);
            Assert.True(exit == 0, error);
            pid = int.Parse(File.ReadAllText(directory.File("quill.pid")), CultureInfo.InvariantCulture);

            using (var client = new TcpClient())
            {
                await client.ConnectAsync((System.Net.IPEndPoint)listen.Endpoint);
                var blacklisting = await ReceiveUntilAsync(syslog, "blacklisting server 0");
                // local3 is 19: 19 × 8 + warning (4).
                Assert.StartsWith("<156>", blacklisting, StringComparison.Ordinal);
                Assert.Contains($"quill[{pid}]: ", blacklisting, StringComparison.Ordinal);
            }

            // USR1 statistics carry the same facility, at notice: 19 × 8 + 5.
            PosixNative.SendSignal(pid, Usr1);
            Assert.StartsWith("<157>", await ReceiveUntilAsync(syslog, "Max number of clients"), StringComparison.Ordinal);
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
