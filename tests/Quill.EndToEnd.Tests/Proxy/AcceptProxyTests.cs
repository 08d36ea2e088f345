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
