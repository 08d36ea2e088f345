using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Http;
using Quill.EndToEnd.Tests.Tls;

namespace Quill.EndToEnd.Tests.Proxy;

/// <summary>
/// accept_proxy with a real HAProxy in front (send-proxy and send-proxy-v2, from 127.0.0.3, which ACL 1 alone
/// permits): the client HAProxy announces is the one quill logs, hashes on and forwards in X-Forwarded-For, on TCP
/// and TLS listeners; a sender without a header, one the ACL denies and one too slow are closed, counted, and
/// disturb nobody else.
/// </summary>
public sealed class AcceptProxyTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>
{
    /// <summary>Three: pen's hash of 127.0.0.x modulo 2 is always 1, modulo 3 it varies with x.</summary>
    private static readonly string[] Backends = ["a", "b", "c"];
    private static readonly int[] Clients = [2, 4, 5, 6, 7, 8, 9, 10];

    /// <summary>ACL 1 permits HAProxy's source address only.</summary>
    internal static readonly string[] OnlyHaproxy =
        ["-o", $"acl 1 permit {HaproxyFront.Source}", "-o", "acl 1 deny 0.0.0.0 0.0.0.0", "-o", "accept_proxy 1"];

    [Theory]
    [InlineData("send-proxy")]
    [InlineData("send-proxy-v2")]
    public async Task BehindHaproxy_AccessLogAndHashUseTheAnnouncedClient(string sendProxy)
    {
        using var nginx = await RecordingNginx.StartAsync(Backends);
        using var files = new TempDirectory();
        var port = FreePorts.Next();
        using var behind = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(port),
            ["-h", "-l", files.File("access.log"), .. OnlyHaproxy], [.. nginx.Specs]);
        using var haproxy = await HaproxyFront.StartAsync(port, sendProxy);
        var directPort = FreePorts.Next();
        using var direct = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(directPort), ["-h"], [.. nginx.Specs]);

        var throughHaproxy = new List<string>();
        var straight = new List<string>();
        foreach (var client in Clients)
        {
            var from = $"127.0.0.{client}";
            throughHaproxy.Add(await CurlCommand.RunAsync("--interface", from, $"http://127.0.0.1:{haproxy.Port}/"));
            straight.Add(await CurlCommand.RunAsync("--interface", from, $"http://127.0.0.1:{directPort}/"));
        }

        // The same server for each client as when it connects straight to quill: the hash took the announced address.
        Assert.Equal(straight, throughHaproxy);
        Assert.True(straight.Distinct().Count() > 1, "the hash put every client on one server: the comparison proves nothing");
        var logged = await Eventually.LinesAsync(files.File("access.log"), Clients.Length);
        Assert.Equal(Clients.Select(c => $"127.0.0.{c}"), logged.Select(line => line.Split(' ')[0]));
        Assert.Contains("proxy_headers_accepted", await StatisticsAsync(behind, "proxy_headers_accepted"));
    }

    [Security.ToolFact(HaproxyFront.Executable)]
    public async Task TlsListenerBehindHaproxy_HeaderBeforeTheClientHello_XForwardedForIsTheAnnouncedClient()
    {
        using var nginx = await RecordingNginx.StartAsync("web");
        var port = FreePorts.Next();
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, ListenAddress.Loopback(port),
            ["-H", "-E", certificates.Set.ServerCertificate, "-K", certificates.Set.ServerKey, .. OnlyHaproxy], [.. nginx.Specs]);
        using var haproxy = await HaproxyFront.StartAsync(port, "send-proxy-v2");

        var output = await CurlCommand.RunAsync("--cacert", certificates.Set.CaCertificate, "--resolve", $"localhost:{haproxy.Port}:127.0.0.1",
            "--interface", "127.0.0.11", $"https://localhost:{haproxy.Port}/");

        Assert.Equal("web\n", output);
        var logged = Assert.Single(await nginx.RequestsAsync("web", 1));
        Assert.Equal(("127.0.0.11", "https"), (logged.ForwardedFor, logged.ForwardedProto));
    }

    [Fact]
    public async Task SenderWithoutHeader_IsClosedAndCounted_NoServerSeesIt()
    {
        using var backend = NamedBackend.OnLoopback("s0");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, OnlyHaproxy, backend.Spec);

        using var client = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source);
        await client.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());

        Assert.True(await LoopbackClient.IsClosedWithinAsync(client, TimeSpan.FromSeconds(10)));
        Assert.Contains("proxy_headers_invalid 1", await StatisticsAsync(quill, "proxy_headers_invalid"));
        Assert.Contains("no PROXY header", quill.StandardError);
        Assert.Equal(0, backend.Accepted);
    }

    /// <summary>The v2 signature, then version 2 PROXY, TCP over IPv4.</summary>
    private static readonly byte[] V2Start = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11];

    public static TheoryData<string, byte[], string> BadHeaders => new()
    {
        { "malformed v1", "PROXY TCP4 192.0.2.x 127.0.0.1 1000 80\r\n"u8.ToArray(), "PROXY v1 address not of TCP4" },
        { "oversized v1", Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 120)), "PROXY v1 line longer than 107 bytes" },
        { "oversized v2", [.. V2Start, 0x04, 0x01, .. new byte[64]], "PROXY v2 header of 1041 bytes is over the limit of 1040" },
        { "bad v2 family", [.. V2Start[..13], 0x51, 0x00, 0x0C, .. new byte[12]], "PROXY v2 address family unknown" },
    };

    /// <summary>Each kind of bad header from a permitted sender: that connection alone is closed, with a log line
    /// naming the sender and the reason and one count; no server sees a byte, and the next sender is served.</summary>
    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task BadHeader_ClosesThatConnectionWithALogLineAndACount_TheNextSenderIsServed(string kind, byte[] header, string reason)
    {
        using var backend = NamedBackend.OnLoopback("s0");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, OnlyHaproxy, backend.Spec);

        using var bad = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source);
        await bad.SendAsync(header);
        var port = ((IPEndPoint)bad.LocalEndPoint!).Port;

        Assert.True(await LoopbackClient.IsClosedWithinAsync(bad, TimeSpan.FromSeconds(10)), $"{kind} left open");
        var logLine = $"closing {HaproxyFront.Source}:{port}: {reason}";
        Assert.True(await Eventually.TrueAsync(() => quill.StandardError.Contains(logLine, StringComparison.Ordinal)), quill.StandardError);
        using (var next = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source))
        {
            await next.SendAsync("PROXY TCP4 192.0.2.5 127.0.0.1 1000 80\r\n"u8.ToArray());
            Assert.Equal("s0", await LoopbackClient.ReadToEndAsync(next));
        }
        Assert.Contains("proxy_headers_accepted 1 proxy_headers_invalid 1 proxy_header_timeouts 0 proxy_senders_denied 0",
            await StatisticsAsync(quill, "proxy_headers_invalid"));
        Assert.Equal(1, backend.Accepted);
    }

    /// <summary>Everything from one sender (HAProxy's address), so only the announced client can make a difference:
    /// client_acl refuses one announced client, a server ACL keeps eight others off server 0, and the client table holds
    /// the announced clients, each sticking to its server, and never the sender.</summary>
    [Fact]
    public async Task AnnouncedClient_IsTheOneClientAclServerAclAndTheClientTableSee()
    {
        using var backends = NamedBackends.Start(2);
        using var quill = await Control.ControlledBalancer.StartAsync(BalancerKind.Quill,
            [.. OnlyHaproxy, "-o", "acl 2 deny 192.0.2.66", "-o", "client_acl 2", "-o", "acl 3 deny 192.0.2.80 255.255.255.248", "-o", "server 0 acl 3"],
            backends.Specs);

        async Task<string> AsAsync(string client)
        {
            using var sender = await LoopbackClient.ConnectAsync(quill.Listen.Endpoint, HaproxyFront.Source);
            await sender.SendAsync(Encoding.ASCII.GetBytes($"PROXY TCP4 {client} 127.0.0.1 1000 80\r\n"));
            return await LoopbackClient.ReadToEndAsync(sender);
        }

        Assert.Equal("", await AsAsync("192.0.2.66"));
        // Eight new clients that server 0's ACL denies, each once: without it, about half would go to s0.
        for (var i = 80; i < 88; i++) Assert.Equal("s1", await AsAsync($"192.0.2.{i}"));
        var first = new[] { await AsAsync("192.0.2.77"), await AsAsync("192.0.2.78") };
        Assert.Equal(["s0", "s1"], first.Order());
        for (var i = 0; i < 4; i++)
            Assert.Equal(first, new[] { await AsAsync("192.0.2.77"), await AsAsync("192.0.2.78") });

        var clients = await quill.AskAsync("recent");
        Assert.Contains("192.0.2.77 connects 5 ", clients);
        Assert.Contains("192.0.2.80 connects 1 ", clients);
        Assert.DoesNotContain(HaproxyFront.Source.ToString(), clients);
    }

    [Fact]
    public async Task SenderTheAclDenies_IsClosedEvenWithAValidHeader()
    {
        using var backend = NamedBackend.OnLoopback("s0");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, OnlyHaproxy, backend.Spec);

        using var client = await LoopbackClient.ConnectAsync(listen.Endpoint, IPAddress.Parse("127.0.0.4"));
        await client.SendAsync("PROXY TCP4 192.0.2.1 127.0.0.1 1000 80\r\n"u8.ToArray());

        Assert.True(await LoopbackClient.IsClosedWithinAsync(client, TimeSpan.FromSeconds(10)));
        Assert.Contains("proxy_senders_denied 1", await StatisticsAsync(quill, "proxy_senders_denied"));
        Assert.Contains("ACL 1 denies the sender", quill.StandardError);
        Assert.Equal(0, backend.Accepted);
    }

    [Fact]
    public async Task SlowSender_ClosedAtTheTimeout_WhileOthersAreServed()
    {
        using var backend = NamedBackend.OnLoopback("s0");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen,
            [.. OnlyHaproxy, "-o", "accept_proxy_timeout 1000"], backend.Spec);

        using var slow = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source);
        await slow.SendAsync("PROXY TCP4 192.0.2"u8.ToArray());
        // Served while the slow header is pending: its reading blocks nobody.
        using (var other = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source))
        {
            await other.SendAsync("PROXY TCP4 192.0.2.77 127.0.0.1 1000 80\r\n"u8.ToArray());
            Assert.Equal("s0", await LoopbackClient.ReadToEndAsync(other));
        }

        Assert.True(await LoopbackClient.IsClosedWithinAsync(slow, TimeSpan.FromSeconds(10)));
        var statistics = await StatisticsAsync(quill, "proxy_header_timeouts");
        Assert.Contains("proxy_headers_accepted 1 proxy_headers_invalid 0 proxy_header_timeouts 1", statistics);
        Assert.Equal(1, backend.Accepted);
    }

    [Fact]
    public async Task Stop_WithAHeaderPending_ClosesThatSenderAndExits()
    {
        using var backend = NamedBackend.OnLoopback("s0");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen,
            [.. OnlyHaproxy, "-o", "accept_proxy_timeout 60000"], backend.Spec);
        using var pending = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source);
        await pending.SendAsync("PROXY TCP4"u8.ToArray());
        // Once quill has taken the connection (the control of the test is the log line below, not this wait).
        using (var other = await LoopbackClient.ConnectAsync(listen.Endpoint, HaproxyFront.Source))
        {
            await other.SendAsync("PROXY UNKNOWN\r\n"u8.ToArray());
            Assert.Equal("s0", await LoopbackClient.ReadToEndAsync(other));
        }

        Assert.Equal(0, await quill.StopAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("quill is stopping", quill.StandardError);
        Assert.True(await LoopbackClient.IsClosedWithinAsync(pending, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task AcceptProxyOff_TheHeaderIsPassedOnAsData()
    {
        using var backend = new Security.RecordingBackend();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-o", "accept_proxy 0", "-o", "accept_proxy off"], backend.Spec);

        using var client = await LoopbackClient.ConnectAsync(listen.Endpoint);
        await client.SendAsync("PROXY UNKNOWN\r\nx"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("PROXY UNKNOWN\r\nx", backend.NextReceived(TimeSpan.FromSeconds(10)));
    }

    /// <summary>USR1's statistics (stderr with -f), once they hold <paramref name="word"/>.</summary>
    private static async Task<string> StatisticsAsync(BalancerProcess quill, string word)
    {
        quill.SendSignal(PosixNative.SigUsr1);
        await Eventually.TrueAsync(() => quill.StandardError.Contains(word, StringComparison.Ordinal));
        return quill.StandardError;
    }
}
