using System.Diagnostics;
using System.Globalization;
using Quill.EndToEnd.Tests.Connections;
using Quill.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Faults;

/// <summary>A server whose SYNs are dropped: after -t the client fails over to a healthy server, and later clients skip the
/// blacklisted one. Quill, the healthy server and the clients all run inside a namespace the test makes.</summary>
public sealed class SynDropTests(ITestOutputHelper output)
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(15);

    private const string Server = """
        import socket
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 8000)); s.listen()
        print("ready", flush=True)
        while True:
            c, a = s.accept(); c.sendall(b"s1\n"); c.close()
        """;

    /// <summary>Two clients one after the other: each prints its reply and how long it took.</summary>
    private const string Clients = """
        import socket, time
        for _ in range(2):
            t = time.monotonic(); s = socket.create_connection(("127.0.0.1", 9000), 10); s.settimeout(10)
            print(s.recv(100).decode().strip(), round(time.monotonic() - t, 3), flush=True)
        """;

    /// <summary>Round robin's first pick is server 1, as in pen: the dropped one.</summary>
    [NamespaceTheory]
    [InlineData("1")]
    public async Task DroppedSyns_ClientFailsOverAfterTheConnectTimeout_NextSkipsTheServer(string connectTimeout)
    {
        Assert.True(File.Exists(Python), $"{Python} is needed for the namespace peers");
        using var ns = SynDropNamespace.Create();
        using var server = TransparentNetwork.Start(ns.Name, [Python, "-c", Server]);
        using var quill = TransparentNetwork.Start(ns.Name, [RepositoryLayout.QuillExecutable, "-f", "-r", "-t", connectTimeout,
            "127.0.0.1:9000", "127.0.0.1:8000", $"{SynDropNamespace.DroppedAddress}:8000"]);
        try
        {
            using var deadline = new CancellationTokenSource(Bounded);
            Assert.Equal("ready", await server.StandardOutput.ReadLineAsync(deadline.Token));
            await WaitUntilListeningAsync(ns.Name, deadline.Token);

            using var clients = TransparentNetwork.Start(ns.Name, [Python, "-c", Clients]);
            var lines = (await clients.StandardOutput.ReadToEndAsync(deadline.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            var (first, firstSeconds) = Parse(lines[0]);
            var (second, secondSeconds) = Parse(lines[1]);
            output.WriteLine($"-t {connectTimeout}: first client {firstSeconds} s, second {secondSeconds} s");

            Assert.Equal(("s1", "s1"), (first, second));
            var timeout = double.Parse(connectTimeout, CultureInfo.InvariantCulture);
            Assert.InRange(firstSeconds, timeout * 0.9, timeout + 1.5);
            Assert.True(secondSeconds < 0.5, $"the second client waited {secondSeconds} s: the dropped server was not skipped");
        }
        finally
        {
            Stop(quill);
            Stop(server);
        }
    }

    private static (string Reply, double Seconds) Parse(string line)
    {
        var words = line.Split(' ');
        return (words[0], double.Parse(words[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Inside the namespace /proc/net is not ours to read: ask ss there instead, bounded.</summary>
    private static async Task WaitUntilListeningAsync(string ns, CancellationToken deadline)
    {
        while (true)
        {
            using var ss = TransparentNetwork.Start(ns, ["ss", "-Hltn", "sport = :9000"]);
            var listening = await ss.StandardOutput.ReadToEndAsync(deadline);
            if (listening.Contains("9000", StringComparison.Ordinal)) return;
            await Task.Delay(20, deadline);
        }
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(Bounded);
    }
}
