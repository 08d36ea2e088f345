using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Health;

/// <summary><c>server N drain|maint|up</c> on the real control port, with held connections to in-process backends.</summary>
public sealed class ServerStateTests
{
    /// <summary>Client addresses 127.0.0.n handed out once per test, so each new one is new to quill's client table.</summary>
    private int _nextClient = 2;

    private System.Net.IPAddress FreshClient() => LoopbackClient.Source(_nextClient++);

    /// <summary>The greeting of the backend a new connection reaches ("" when quill closes it), then closes.</summary>
    private static async Task<string> GreetingAsync(System.Net.EndPoint endpoint, System.Net.IPAddress? source = null)
    {
        using var socket = await LoopbackClient.ConnectAsync(endpoint, source);
        return await LoopbackClient.ReadLineAsync(socket);
    }

    private static async Task<string> EchoAsync(Socket socket, string text)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
        var buffer = new byte[text.Length];
        var read = 0;
        using var limit = new CancellationTokenSource(LoopbackClient.OperationTimeout);
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, limit.Token);
            if (n == 0) break;
            read += n;
        }

        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Theory]
    [InlineData("sticky client table")]
    [InlineData("-h")]
    public async Task Drain_HeldConnectionWorks_NewClientsStickyIncludedGoElsewhere_UpRestores(string mode)
    {
        using var backends = NamedBackends.Start(3, holdOpen: true);
        string[] options = mode == "-h" ? ["-h"] : [];
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, options, backends.Specs);
        using var held = new HeldConnections();
        System.Net.IPAddress? sticky = null;
        for (var i = 0; i < 9 && sticky is null; i++)
        {
            var client = FreshClient();
            if (await held.OpenAsync(quill.Listen.Endpoint, client) == "s0") sticky = client;
        }

        Assert.NotNull(sticky);
        var onZero = held.Sockets[^1];

        Assert.Equal("", await quill.AskAsync("server 0 drain"));

        Assert.Contains("0 addr 127.0.0.1 port ", await quill.AskAsync("health"));
        Assert.Contains(" state draining ", (await quill.AskAsync("health")).Split('\n')[0]);
        Assert.Equal("still here", await EchoAsync(onZero, "still here"));
        Assert.NotEqual("s0", await GreetingAsync(quill.Listen.Endpoint, sticky));
        for (var i = 0; i < 12; i++)
            Assert.NotEqual("s0", await GreetingAsync(quill.Listen.Endpoint, FreshClient()));
        Assert.Equal("and still", await EchoAsync(onZero, "and still"));

        Assert.Equal("", await quill.AskAsync("server 0 up"));

        var reached = new List<string>();
        for (var i = 0; i < 12 && !reached.Contains("s0"); i++)
            reached.Add(await GreetingAsync(quill.Listen.Endpoint, FreshClient()));
        Assert.Contains("s0", reached);
    }

    /// <summary>A server that still accepts but fails its checks is down: its sticky client goes elsewhere on its next
    /// connection and stays there once the server is back, as pen moves the clients of a blacklisted server.</summary>
    [Fact]
    public async Task Down_StickyClientMovesOnItsNextConnection_AndStays()
    {
        using var backends = NamedBackends.Start(2);
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], backends.Specs);
        System.Net.IPAddress? sticky = null;
        for (var i = 0; i < 9 && sticky is null; i++)
        {
            var client = FreshClient();
            if (await GreetingAsync(quill.Listen.Endpoint, client) == "s0") sticky = client;
        }
        Assert.NotNull(sticky);
        Assert.Equal("s0", await GreetingAsync(quill.Listen.Endpoint, sticky));

        // s0 greets "s0", never "zz": every check fails though the server serves clients.
        foreach (var command in new[] { @"server 0 check send hi\r\n expect zz", "server 0 check_interval 100", "server 0 fall 1" })
            Assert.Equal("", await quill.AskAsync(command));
        var health = await Eventually.ValueAsync(() => quill.AskAsync("health"),
            r => r.StartsWith("0 addr ", StringComparison.Ordinal) && r.Split('\n')[0].Contains(" state down check fail:reply "));
        Assert.Contains(" state down check fail:reply ", health.Split('\n')[0]);

        Assert.Equal("s1", await GreetingAsync(quill.Listen.Endpoint, sticky));
        Assert.Equal("", await quill.AskAsync("server 0 check off"));
        // The checker forgets the server's checks on its next look, a moment after the reply.
        var after = await Eventually.ValueAsync(() => quill.AskAsync("health"),
            r => r.Split('\n')[0].Contains(" state up check none ", StringComparison.Ordinal));
        Assert.Contains(" state up check none ", after.Split('\n')[0]);
        Assert.Equal("s1", await GreetingAsync(quill.Listen.Endpoint, sticky));
    }

    [Fact]
    public async Task Drain_TakesClientsOnlyWhenEveryOtherServerIsUnavailable_MaintTakesNone()
    {
        using var backends = NamedBackends.Start(2, holdOpen: true);
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-r"], backends.Specs);
        using var held = new HeldConnections();
        await held.OpenAsync(quill.Listen.Endpoint);
        await held.OpenAsync(quill.Listen.Endpoint);

        await quill.AskAsync("server 0 maint");
        for (var i = 0; i < 6; i++) Assert.Equal("s1", await GreetingAsync(quill.Listen.Endpoint));
        await quill.AskAsync("server 1 drain");
        Assert.Equal("s1", await GreetingAsync(quill.Listen.Endpoint));
        await quill.AskAsync("server 1 maint");
        Assert.Equal("", await GreetingAsync(quill.Listen.Endpoint));

        // Maintenance closes nothing: the connections made before still work.
        Assert.All(await Task.WhenAll(held.Sockets.Select(s => EchoAsync(s, "ping"))), reply => Assert.Equal("ping", reply));
        Assert.Equal("0 addr 127.0.0.1 port", string.Join(' ', (await quill.AskAsync("health")).Split(' ')[..4]));
        Assert.Equal(["maint", "maint"], (await quill.AskAsync("health")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[6]));

        await quill.AskAsync("server 0 up");
        await quill.AskAsync("server 1 up");
        var reached = new HashSet<string>();
        for (var i = 0; i < 4; i++) reached.Add(await GreetingAsync(quill.Listen.Endpoint));
        Assert.Equal(["s0", "s1"], reached.Order());
    }

    /// <summary>Slow start measured as a client sees it: the share of new connections server 0 gets in the first
    /// second after <c>server 0 up</c> (ramp at most a quarter: share at most 1/8 of 2 servers' turns, asserted below
    /// 1/4 for a loaded machine) and once the 4 s ramp is over (a half, asserted above 1/3).</summary>
    [Fact]
    public async Task SlowStart_ShareOfNewClientsRampsUp()
    {
        using var backends = NamedBackends.Start(2);
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-r", "-o", "server 0 slowstart 4"], backends.Specs);
        await quill.AskAsync("server 0 maint");
        await quill.AskAsync("server 0 up");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var early = await ShareOfZeroAsync(quill, clock, TimeSpan.FromSeconds(1));
        while (clock.Elapsed < TimeSpan.FromSeconds(4.2)) await Task.Delay(50);
        var late = await ShareOfZeroAsync(quill, clock, TimeSpan.FromSeconds(5.2));

        Assert.True(early < 0.25, $"share in the first second {early:F2}");
        Assert.True(late > 0.33, $"share after the ramp {late:F2}");
    }

    /// <summary>The share of connections that reach s0, made one after another until <paramref name="until"/> (at least 20).</summary>
    private static async Task<double> ShareOfZeroAsync(ControlledBalancer quill, System.Diagnostics.Stopwatch clock, TimeSpan until)
    {
        var greetings = new List<string>();
        while (clock.Elapsed < until || greetings.Count < 20) greetings.Add(await GreetingAsync(quill.Listen.Endpoint));
        Assert.DoesNotContain("", greetings);
        return greetings.Count(g => g == "s0") / (double)greetings.Count;
    }

    /// <summary>All five states at once, each shown alike by <c>health</c>, <c>quillctl --json health</c>, the USR1
    /// statistics and the <c>-w</c> page: server 0 in maintenance, 1 draining, 2 down by its checks (nothing listens
    /// there), 3 blacklisted by a failed client connect (nothing listens there either; no checks), 4 up.</summary>
    [Fact]
    public async Task EveryState_ShowsInHealthJsonUsr1AndTheStatusPage()
    {
        string[] states = ["maint", "draining", "down", "blacklisted", "up"];
        using var backends = NamedBackends.Start(3);
        using var directory = new TempDirectory();
        var page = directory.File("status.html");
        string[] specs = [backends[0].Spec, backends[1].Spec, $"127.0.0.1:{FreePorts.Next()}", $"127.0.0.1:{FreePorts.Next()}", backends[2].Spec];
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill,
            ["-r", "-w", page, "-o", "server 2 check tcp", "-o", "server 2 check_interval 100", "-o", "server 2 fall 1"], specs);
        await quill.AskAsync("server 0 maint");
        await quill.AskAsync("server 1 drain");

        // Round robin offers server 3 a client within a round; its refused connect blacklists it, and the client fails over.
        for (var i = 0; i < 5; i++) Assert.NotEqual("", await GreetingAsync(quill.Listen.Endpoint));
        var health = await Eventually.ValueAsync(() => quill.AskAsync("health"),
            r => r.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[6]).SequenceEqual(states),
            TimeSpan.FromSeconds(15));
        Assert.Equal(states, health.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[6]));

        var json = await Penctl.RunQuillctlAsync("--json", quill.ControlText, "health");
        using (var document = JsonDocument.Parse(json.Stdout))
            Assert.Equal(states, document.RootElement.EnumerateArray().Select(s => s.GetProperty("state").GetString()));

        quill.Process.SendSignal(PosixNative.SigUsr1);
        Assert.True(await Eventually.TrueAsync(() => File.Exists(page)
            && System.Text.RegularExpressions.Regex.IsMatch(quill.Process.StandardError, "Server 4 status:\n(?:.*\n){5}state ")), quill.Process.StandardError);
        var text = quill.Process.StandardError;
        for (var i = 0; i < states.Length; i++)
            Assert.Matches($"Server {i} status:\n(?:.*\n){{5}}state {states[i]}\n", text);
        var pageStates = System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(page), "<td>([a-z]+)</td>\n</tr>")
            .Select(m => m.Groups[1].Value);
        Assert.Equal(states, pageStates);
    }

    [Fact]
    public async Task BadInput_OnTheControlPort_IsOneErrorLine_AndHealthHasJson()
    {
        using var backends = NamedBackends.Start(2);
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], backends.Specs);
        var before = await quill.AskAsync("health");

        Assert.Equal("server 0 check: unknown check kind 'icmp' (expected tcp, http, send or off)\n", await quill.AskAsync("server 0 check icmp"));
        Assert.Equal("check_interval: 99 out of range 100-86400000\n", await quill.AskAsync("check_interval 99"));
        Assert.Equal("server 0 rise: invalid number 'two'\n", await quill.AskAsync("server 0 rise two"));
        Assert.Equal("server 2 drain: server number 2 out of range 0-1\n", await quill.AskAsync("server 2 drain"));
        Assert.Equal(before, await quill.AskAsync("health"));

        await quill.AskAsync("server 1 maint");
        var json = await Penctl.RunQuillctlAsync("--json", quill.ControlText, "health");
        using var document = JsonDocument.Parse(json.Stdout);
        var servers = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(["up", "maint"], servers.Select(s => s.GetProperty("state").GetString()));
        Assert.Equal(["none", "none"], servers.Select(s => s.GetProperty("check").GetString()));
        Assert.Equal(backends[1].Port, servers[1].GetProperty("port").GetInt32());
    }
}
