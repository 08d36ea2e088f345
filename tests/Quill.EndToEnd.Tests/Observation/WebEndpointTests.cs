using System.Net;
using System.Net.Sockets;
using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Observation;

/// <summary>web_listen, no web_listen, web_acl and write, and what the endpoint refuses.</summary>
public sealed class WebEndpointTests
{
    [Fact]
    public async Task WebListen_OpensMovesAndCloses_WriteKeepsIt()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);
        var first = FreePorts.Next();
        var second = FreePorts.Next();

        Assert.Equal("", await balancer.AskAsync("web_listen"));
        Assert.Equal($"{first}\n", await balancer.AskAsync($"web_listen {first}"));
        Assert.Equal("ok", await GetStatusLineAsync(new IPEndPoint(IPAddress.Loopback, first), "/api/status"));
        Assert.StartsWith("web_listen: invalid listen address", await balancer.AskAsync("web_listen x:y"), StringComparison.Ordinal);
        Assert.Equal($"127.0.0.1:{second}\n", await balancer.AskAsync($"web_listen 127.0.0.1:{second}"));
        Assert.False(ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, first)));
        using var directory = new TempDirectory();
        await balancer.AskAsync($"write {directory.File("quill.conf")}");
        Assert.Contains($"web_listen 127.0.0.1:{second}\n", await File.ReadAllTextAsync(directory.File("quill.conf")), StringComparison.Ordinal);

        Assert.Equal("", await balancer.AskAsync("no web_listen"));
        Assert.False(ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, second)));
        Assert.Equal("", await balancer.AskAsync("web_listen"));
    }

    /// <summary>ADDR as for -C: an IPv6 address in brackets and a unix socket path serve the same pages, read by curl.</summary>
    [Fact]
    public async Task WebListen_IPv6AndUnixPath_ServeThePages()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);
        using var directory = new TempDirectory();
        var port = FreePorts.Next();
        var path = directory.File("web.sock");

        Assert.Equal($"[::1]:{port}\n", await balancer.AskAsync($"web_listen [::1]:{port}"));
        var overV6 = await ObservedBalancer.RunAsync(Curl.Executable, ["--silent", "--fail", "--noproxy", "*", "--max-time", "10", "-g",
            $"http://[::1]:{port}/api/status"]);
        Assert.True(overV6.ExitCode == 0, overV6.Stderr);
        Assert.StartsWith("{", overV6.Stdout, StringComparison.Ordinal);

        Assert.Equal($"{path}\n", await balancer.AskAsync($"web_listen {path}"));
        var overUnix = await ObservedBalancer.RunAsync(Curl.Executable, ["--silent", "--fail", "--max-time", "10", "--unix-socket", path,
            "http://quill/metrics"]);
        Assert.True(overUnix.ExitCode == 0, overUnix.Stderr);
        Assert.Contains("\nquill_connections_accepted_total ", overUnix.Stdout, StringComparison.Ordinal);
        Assert.False(ListeningSockets.IsListening(new IPEndPoint(IPAddress.IPv6Loopback, port)));
    }

    [Fact]
    public async Task Reload_OfAFileThatOpensTheEndpoint_KeepsItOpen()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        var port = FreePorts.Next();
        await File.WriteAllTextAsync(file, $"server 0 address 127.0.0.1 port {servers[0].Port}\nweb_listen {port}\n");
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-F", file]);
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        Assert.Equal("ok", await GetStatusLineAsync(endpoint, "/metrics"));

        // The open address named again is kept, not bound a second time (which would fail: the port is in use).
        Assert.Equal($"reload: {file} applied\n", await balancer.AskAsync("reload"));
        Assert.Equal("ok", await GetStatusLineAsync(endpoint, "/metrics"));
        Assert.Equal($"{port}\n", await balancer.AskAsync("web_listen"));
    }

    [Fact]
    public async Task WebAcl_DeniedReader_IsClosedWithoutAnAnswer()
    {
        using var servers = NamedBackends.Start(1);
        using var quill = await ObservedBalancer.StartAsync(["-o", "acl 3 deny 127.0.0.2", "-o", "web_acl 3"], servers.Specs);
        var endpoint = new IPEndPoint(IPAddress.Loopback, quill.WebPort);

        Assert.Equal("ok", await GetStatusLineAsync(endpoint, "/metrics"));
        Assert.Equal("", await GetStatusLineAsync(endpoint, "/metrics", LoopbackClient.Source(2)));
        Assert.Equal("3\n", await quill.Balancer.AskAsync("web_acl"));
    }

    [Fact]
    public async Task NotFound_AndWriteMethods_AreRefused()
    {
        using var servers = NamedBackends.Start(1);
        using var quill = await ObservedBalancer.StartAsync([], servers.Specs);
        var endpoint = new IPEndPoint(IPAddress.Loopback, quill.WebPort);

        Assert.Equal("HTTP/1.1 404 Not Found", await RawStatusLineAsync(endpoint, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.Equal("HTTP/1.1 405 Method Not Allowed", await RawStatusLineAsync(endpoint, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.Equal("HTTP/1.1 431 Request Header Fields Too Large",
            await RawStatusLineAsync(endpoint, "GET / HTTP/1.1\r\nX: " + new string('a', 9000) + "\r\n\r\n"));
    }

    /// <returns>"ok" for a 200 answer, the status line otherwise, "" when closed without an answer.</returns>
    private static async Task<string> GetStatusLineAsync(IPEndPoint endpoint, string path, IPAddress? source = null)
    {
        var line = await RawStatusLineAsync(endpoint, $"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n", source);
        return line == "HTTP/1.1 200 OK" ? "ok" : line;
    }

    private static async Task<string> RawStatusLineAsync(IPEndPoint endpoint, string request, IPAddress? source = null)
    {
        using var socket = await LoopbackClient.ConnectAsync(endpoint, source);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var answer = await LoopbackClient.ReadToEndAsync(socket);
        return answer.Split("\r\n")[0];
    }
}
