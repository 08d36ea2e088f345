using System.Text;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Connections;

/// <summary>dummy: pen's tiny web server answers every client itself; no backend is touched.</summary>
public sealed class DummyTests
{
    private const string Response = "HTTP/1.1 200 OK\r\nContent-Length: 15\r\nContent-Type: text/html\r\n\r\nUlric was here.";

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task DummyOption_CurlGetsUlricWasHere_BackendIsNeverContacted(BalancerKind kind)
    {
        Assert.True(Curl.IsInstalled, $"curl is needed at {Curl.Executable}");
        using var backend = NamedBackend.OnLoopback("s0");
        using var balancer = await ControlledBalancer.StartAsync(kind, ["-o", "dummy"], backend.Spec);
        var url = $"http://{balancer.Listen.Argument}/";

        var bodies = new[] { await Curl.GetAsync(url), await Curl.GetAsync(url + "other") };
        using var raw = await LoopbackClient.ConnectAsync(balancer.Listen.Endpoint);
        await raw.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"));
        var exact = await LoopbackClient.ReadToEndAsync(raw);

        Assert.Equal(["Ulric was here.", "Ulric was here."], bodies);
        Assert.Equal(Response, exact);
        Assert.Equal(0, backend.Accepted);
    }

    [Fact]
    public async Task DummyCommand_TurnsOnAndOffWhileRunning()
    {
        using var backend = NamedBackend.OnLoopback("s0");
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], backend.Spec);

        Assert.Equal("", await balancer.AskAsync("dummy"));
        var dummy = await Curl.GetAsync($"http://{balancer.Listen.Argument}/");
        Assert.Equal("", await balancer.AskAsync("no dummy"));
        var balanced = await LoopbackClient.AskAsync(balancer.Listen.Endpoint);

        Assert.Equal("Ulric was here.", dummy);
        Assert.Equal("s0", balanced);
        Assert.Equal(1, backend.Accepted);
    }
}
