using System.Net;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Udp;

/// <summary>Quill only: UDP sessions are listed like TCP connections (connection N, close N, the status page), and an
/// ended session leaves the list. pen 0.34.1 lists none of its UDP sessions.</summary>
public sealed class UdpSessionListingTests
{
    private const string Answer = "127.0.0.11";

    private static async Task<(BalancerProcess Balancer, int Port, IPEndPoint Control)> StartAsync(
        IEnumerable<string> options, DnsmasqServer server)
    {
        Assert.True(Dig.IsInstalled, $"dig is needed at {Dig.Executable} (apt-get install dnsutils)");
        var port = FreePorts.Next();
        var control = new IPEndPoint(IPAddress.Loopback, FreePorts.Next());
        var balancer = BalancerProcess.Launch(BalancerKind.Quill,
            ["-f", "-U", .. ControlledBalancer.AsRootOptions, "-C", $"127.0.0.1:{control.Port}", .. options, $"127.0.0.1:{port}", server.Spec]);
        try
        {
            await BoundUdpPorts.WaitAsync(port, () => balancer.HasExited, "Quill");
            return (balancer, port, control);
        }
        catch
        {
            balancer.Dispose();
            throw;
        }
    }

    private static async Task<DnsmasqServer> DnsmasqAsync()
    {
        Assert.True(DnsmasqServer.IsInstalled, $"dnsmasq is needed at {DnsmasqServer.Executable} (apt-get install dnsmasq-base)");
        return await DnsmasqServer.StartAsync(Answer);
    }

    [Fact]
    public async Task Servers_OpenSession_ShowsItsBytesWithinASecond()
    {
        using var dns = await DnsmasqAsync();
        var (balancer, port, control) = await StartAsync(["-o", "idle_timeout 60"], dns);
        using var _ = balancer;

        Assert.Equal(Answer, await Dig.AskAsync(port, 21));
        var servers = await Eventually.ValueAsync(
            () => Penctl.AskAsync(control, "servers"), r => !r.Contains(" sx 0 ", StringComparison.Ordinal) && !r.EndsWith(" rx 0\n", StringComparison.Ordinal));

        Assert.Matches(@" sx [1-9][0-9]* rx [1-9][0-9]*\n", servers);
        Assert.Contains("state = 2", await Penctl.AskAsync(control, "connection 0"));
    }

    [Fact]
    public async Task Dig_SessionIsListedInConnectionAndStatus_UntilItExpires()
    {
        using var dns = await DnsmasqAsync();
        using var webStats = new TempDirectory();
        var statusFile = Path.Combine(webStats.Path, "status.html");
        var (balancer, port, control) = await StartAsync(["-w", statusFile, "-o", "idle_timeout 2"], dns);
        using var _ = balancer;

        Assert.Equal(Answer, await Dig.AskAsync(port, 21));
        var listed = await Penctl.AskAsync(control, "connection 0");
        await Penctl.AskAsync(control, "status");
        var status = await File.ReadAllTextAsync(statusFile);

        Assert.Contains("state = 2", listed);
        Assert.Contains("client = 0, server = 0", listed);
        Assert.Contains("1 used", status);
        Assert.Contains("127.0.0.21 connects 1", await Penctl.AskAsync(control, "recent"));

        var expired = await Eventually.ValueAsync(() => Penctl.AskAsync(control, "connection 0"), r => r.Contains("state = 0"));
        await Penctl.AskAsync(control, "status");

        Assert.Contains("state = 0", expired);
        Assert.Contains("downfd = -1, upfd = -1", expired);
        Assert.Contains("0 used", await File.ReadAllTextAsync(statusFile));
    }

    [Fact]
    public async Task CloseN_EndsTheUdpSession_TheNextQueryStartsAnother()
    {
        using var dns = await DnsmasqAsync();
        var (balancer, port, control) = await StartAsync(["-d", "-o", "idle_timeout 60"], dns);
        using var _ = balancer;
        Assert.Equal(Answer, await Dig.AskAsync(port, 21));

        await Penctl.AskAsync(control, "close 0");
        var closed = await Eventually.ValueAsync(() => Penctl.AskAsync(control, "connection 0"), r => r.Contains("state = 0"));
        Assert.Equal(Answer, await Dig.AskAsync(port, 21));

        Assert.Contains("state = 0", closed);
        Assert.Contains("ended: closed by the control port", balancer.StandardError);
        Assert.Contains("state = 2", await Penctl.AskAsync(control, "connection 0"));
        Assert.Contains("127.0.0.21 connects 2", await Penctl.AskAsync(control, "recent"));
    }
}
