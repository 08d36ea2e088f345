using System.Diagnostics;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>USR1: text statistics on stderr in the foreground, and the -w HTML page, checked by python3's HTML parser.</summary>
public sealed class StatusTests
{
    private const int Usr1 = 10;

    [Fact]
    public async Task Usr1_WithClientsAndAnOpenConnection_PrintsCorrectStatistics()
    {
        using var servers = NamedBackends.Start(2, holdOpen: true);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, [], servers.Specs);
        using var held = new HeldConnections();
        var greeting = await held.OpenAsync(listen.Endpoint, LoopbackClient.Source(7));

        quill.SendSignal(Usr1);

        Assert.True(await Eventually.TrueAsync(() => quill.StandardError.Contains("Active connections:", StringComparison.Ordinal)
            && quill.StandardError.Contains("client 0, server", StringComparison.Ordinal)), quill.StandardError);
        var text = quill.StandardError;
        var server = greeting == "s0" ? 0 : 1;
        Assert.Contains(", 2 servers, ", text, StringComparison.Ordinal);
        Assert.Contains($"Server {server} status:\naddress 127.0.0.1\n0\nport ", text, StringComparison.Ordinal);
        Assert.Contains("1 connections (0 soft, 0 hard)", text, StringComparison.Ordinal);
        Assert.Contains("Max number of clients: 2048", text, StringComparison.Ordinal);
        Assert.Contains("Client 0 status:\naddress 127.0.0.7\nlast used ", text, StringComparison.Ordinal);
        Assert.Contains($"\nlast server {server}\nconnects  1\nsent  ", text, StringComparison.Ordinal);
        Assert.Contains("Max number of connections: 256", text, StringComparison.Ordinal);
        Assert.Contains($"Connection 0 status:\ndownfd = ", text, StringComparison.Ordinal);
        Assert.Contains($"client 0, server {server}\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("%llu", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usr1_WithWebStatsFile_WritesPageThatParsesAsHtml()
    {
        using var servers = NamedBackends.Start(2);
        using var directory = new TempDirectory();
        var page = directory.File("status.html");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-w", page], servers.Specs);
        await LoopbackClient.AskAsync(listen.Endpoint, LoopbackClient.Source(8));
        await LoopbackClient.AskAsync(listen.Endpoint, LoopbackClient.Source(9));

        quill.SendSignal(Usr1);

        Assert.True(await Eventually.TrueAsync(() => File.Exists(page)), "no status page after USR1");
        var tables = await ParseTablesAsync(page);
        Assert.Equal(3, tables.Count);
        Assert.Equal(["server", "address", "status", "port", "connections", "max soft", "max hard", "sent", "received", "weight", "prio", "state"], tables[0][0]);
        Assert.Equal(3, tables[0].Count);
        Assert.Equal(["0", "127.0.0.1"], tables[0][1][..2]);
        Assert.Equal(["client", "address", "age(secs)", "last server", "connects", "sent", "received"], tables[1][0]);
        Assert.Equal(["127.0.0.8", "127.0.0.9"], tables[1].Skip(1).Select(row => row[1]).Order().ToArray());
        Assert.Equal(["connection", "downfd", "upfd", "pending data down", "pending data up", "client", "server"], tables[2][0]);
    }

    /// <summary>
    /// The status command answers pen's page without -w too (penctl's manual documents it so; pen 0.34.1 replies
    /// "Unable to create webstats"), and writes no file.
    /// </summary>
    [Fact]
    public async Task StatusCommand_WithoutWebStatsFile_RepliesThePageThatParsesAsHtml()
    {
        using var servers = NamedBackends.Start(2);
        using var directory = new TempDirectory();
        using var quill = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);
        await LoopbackClient.AskAsync(quill.Listen.Endpoint, LoopbackClient.Source(8));

        var reply = await quill.AskAsync("status");

        var page = directory.File("reply.html");
        await File.WriteAllTextAsync(page, reply);
        var tables = await ParseTablesAsync(page);
        Assert.Equal(3, tables.Count);
        Assert.Equal(3, tables[0].Count);
        Assert.Equal(["0", "127.0.0.1"], tables[0][1][..2]);
        Assert.Equal(["127.0.0.8"], tables[1].Skip(1).Select(row => row[1]).ToArray());
        Assert.Equal("", await quill.AskAsync("web_stats"));
    }

    /// <summary>Runs python3's html.parser over the page: fails on unbalanced tags, returns every table's rows of cells.</summary>
    private static async Task<List<List<string[]>>> ParseTablesAsync(string page)
    {
        const string Script = """
            import sys, json
            from html.parser import HTMLParser
            class P(HTMLParser):
                def __init__(self):
                    super().__init__(); self.stack = []; self.tables = []; self.cell = None
                def handle_starttag(self, tag, attrs):
                    self.stack.append(tag)
                    if tag == 'table': self.tables.append([])
                    elif tag == 'tr': self.tables[-1].append([])
                    elif tag == 'td': self.cell = ''
                def handle_endtag(self, tag):
                    if tag == 'p': return
                    top = self.stack.pop()
                    while top == 'p': top = self.stack.pop()
                    if top != tag: raise SystemExit('mismatched </%s>, open <%s>' % (tag, top))
                    if tag == 'td': self.tables[-1][-1].append(self.cell); self.cell = None
                def handle_data(self, data):
                    if self.cell is not None: self.cell += data
            p = P(); p.feed(open(sys.argv[1]).read()); p.close()
            if [t for t in p.stack if t != 'p']: raise SystemExit('unclosed: %s' % p.stack)
            print(json.dumps(p.tables))
            """;
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(page);
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await python.WaitForExitAsync(limit.Token);
        Assert.True(python.ExitCode == 0, $"html.parser: {await error}");
        return System.Text.Json.JsonSerializer.Deserialize<List<List<string[]>>>(await output)!;
    }
}
