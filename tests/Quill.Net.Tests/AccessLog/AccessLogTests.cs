using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.Core.AccessLog;
using Quill.Net.AccessLog;

namespace Quill.Net.Tests.AccessLog;

public sealed class AccessLogTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly TempDirectory _directory = new();
    private readonly List<string> _reports = [];

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    private static AccessLogEntry Entry(int n) => new("10.0.0.1", 1795663086 + n, "10.0.0.9", $"GET /{n} HTTP/1.1");

    private Net.AccessLog.AccessLog NewLog() => new(message => { lock (_reports) _reports.Add(message); });

    [Fact]
    public async Task Write_LineIsOnDiskWithoutClosing()
    {
        var log = NewLog();
        await using (log)
        {
            log.Open(PathOf("access.log"));
            log.Write(Entry(1));

            Assert.True(await EventuallyAsync(() => ReadShared(PathOf("access.log")) == "10.0.0.1 1795663087 10.0.0.9 GET /1 HTTP/1.1\n"));
        }
    }

    [Fact]
    public async Task Reopen_AfterRename_OldLinesStayNewLinesGoToNewFile()
    {
        var log = NewLog();
        await using (log)
        {
            log.Open(PathOf("access.log"));
            for (var i = 0; i < 100; i++) log.Write(Entry(i));
            File.Move(PathOf("access.log"), PathOf("access.log.1"));
            log.Reopen();
            for (var i = 100; i < 150; i++) log.Write(Entry(i));
        }

        Assert.Equal(100, File.ReadAllLines(PathOf("access.log.1")).Length);
        Assert.Equal(50, File.ReadAllLines(PathOf("access.log")).Length);
        Assert.StartsWith("10.0.0.1 1795663186 ", File.ReadAllLines(PathOf("access.log"))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_LaterEntriesAreNotWritten_TargetIsNull()
    {
        var log = NewLog();
        await using (log)
        {
            log.Open(PathOf("access.log"));
            log.Write(Entry(1));
            log.Close();
            log.Write(Entry(2));
            Assert.Null(log.Target);
        }

        Assert.Single(File.ReadAllLines(PathOf("access.log")));
    }

    [Fact]
    public async Task Open_UnwritablePath_ThrowsAtOnce()
    {
        var log = NewLog();
        await using (log)
        {
            Assert.Throws<DirectoryNotFoundException>(() => log.Open(PathOf("missing/access.log")));
            Assert.Null(log.Target);
        }
    }

    [Fact]
    public async Task Write_DiskFull_ReportedOnceNotPerEntry()
    {
        Assert.True(File.Exists("/dev/full"), "needs /dev/full");
        var log = NewLog();
        await using (log)
        {
            log.Open("/dev/full");
            for (var i = 0; i < 3; i++)
            {
                log.Write(Entry(i));
                await Task.Delay(20);
            }
        }

        var report = Assert.Single(_reports);
        Assert.StartsWith("access log flush failed: ", report, StringComparison.Ordinal);
    }

    /// <summary>
    /// A log into a FIFO nobody reads: the writer blocks once the pipe is full, the queue fills, and the entries
    /// beyond it are dropped and counted (a DropWrite channel accepted them silently, and would drop a reopen too).
    /// </summary>
    [Fact]
    public async Task Write_QueueFull_DropsAndCountsTheRest()
    {
        var fifo = PathOf("stuck.fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync().WaitAsync(Bound);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Read and write: holds the FIFO open without blocking, so the log's open succeeds and its writes fill the pipe.
        using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite);
        var log = NewLog();
        const int Entries = 150_000;
        for (var i = 0; i < Entries && log.Dropped == 0; i++)
        {
            if (i == 0) log.Open(fifo);
            log.Write(Entry(i));
        }

        Assert.True(log.Dropped > 0, "the queue never filled");
        Assert.Contains(_reports, r => r.StartsWith("access log cannot keep up", StringComparison.Ordinal));

        // Let the writer finish: read the pipe until the log has closed, then wake the last read.
        var draining = true;
        var reader = Task.Run(() =>
        {
            var buffer = new byte[65536];
            while (Volatile.Read(ref draining) && pipe.Read(buffer) > 0)
            {
                // Only emptying the pipe.
            }
        });
        await log.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        Volatile.Write(ref draining, false);
        using (var wake = new FileStream(fifo, FileMode.Open, FileAccess.Write)) wake.Write("\n"u8);
        await reader.WaitAsync(Bound);
    }

    [Theory]
    [InlineData("127.0.0.1:notaport")]
    [InlineData("127.0.0.1:0")]
    public async Task Open_BadPenlogdAddress_ThrowsArgumentException(string target)
    {
        var log = NewLog();
        await using (log)
            Assert.Throws<ArgumentException>(() => log.Open(target));
    }

    [Fact]
    public async Task Open_HostPort_SendsPenlogdDatagrams()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var log = NewLog();
        await using (log)
        {
            log.Open($"127.0.0.1:{((IPEndPoint)receiver.LocalEndPoint!).Port}");
            log.Write(Entry(1));

            var buffer = new byte[2048];
            using var timeout = new CancellationTokenSource(Bound);
            var received = await receiver.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.Equal("+ 10.0.0.1 10.0.0.9 GET /1 HTTP/1.1\n", Encoding.ASCII.GetString(buffer, 0, received));
        }
    }

    [Theory]
    [InlineData("127.0.0.1:9000", true)]
    [InlineData("logs/access.log", false)]
    [InlineData("/var/log/a:b", false)]
    public void IsRemoteTarget_FollowsPensRule(string target, bool remote)
    {
        Assert.Equal(remote, Net.AccessLog.AccessLog.IsRemoteTarget(target));
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(10);
        }

        return condition();
    }

    public void Dispose() => _directory.Dispose();
}
