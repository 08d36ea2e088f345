using System.Net;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Security;

/// <summary>
/// The control port reconfigures the balancer (and stops it with -X): quill binds it on every address only when asked.
/// A bare port is loopback only, where pen binds 0.0.0.0; the bound address is read from /proc/net/tcp and tcp6.
/// </summary>
public sealed class ControlPortBindTests
{
    [Fact]
    public async Task BarePort_BindsLoopbackOnly_SaysSo_PenctlOnLocalhostStillWorks()
    {
        using var servers = NamedBackends.Start(1);
        var port = FreePorts.Next();
        using var quill = await StartAsync(BalancerKind.Quill, port.ToString(System.Globalization.CultureInfo.InvariantCulture), servers);

        Assert.Equal([IPAddress.Loopback], ListeningSockets.Addresses(port));
        Assert.Contains($"-C {port}: control port on 127.0.0.1 only; -C 0.0.0.0:{port} listens on every address", quill.StandardError, StringComparison.Ordinal);
        var reply = await Penctl.RunQuillctlAsync($"localhost:{port}", "control");
        Assert.Equal(new Penctl.Result(0, $"{port}\n", ""), reply);
    }

    [Fact]
    public async Task AllAddressesAsked_BindsThem()
    {
        using var servers = NamedBackends.Start(1);
        var port = FreePorts.Next();
        using var quill = await StartAsync(BalancerKind.Quill, $"0.0.0.0:{port}", servers);

        Assert.Equal([IPAddress.Any], ListeningSockets.Addresses(port));
        Assert.DoesNotContain("control port on", quill.StandardError, StringComparison.Ordinal);
    }

    [PenFact]
    public async Task Pen_BarePort_BindsEveryAddress()
    {
        // The difference quill makes on purpose (README, Security checks).
        using var servers = NamedBackends.Start(1);
        var port = FreePorts.Next();
        using var pen = await StartAsync(BalancerKind.Pen, port.ToString(System.Globalization.CultureInfo.InvariantCulture), servers);

        Assert.Equal([IPAddress.Any], ListeningSockets.Addresses(port));
    }

    private static async Task<BalancerProcess> StartAsync(BalancerKind kind, string control, NamedBackends servers)
    {
        var port = int.Parse(control[(control.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var balancer = await BalancerProcess.StartAsync(kind, ListenAddress.Loopback(FreePorts.Next()),
            [.. ControlledBalancer.AsRootOptions, "-C", control], servers.Specs);
        // The control port opens after the listener the start waited for.
        Assert.True(await Eventually.TrueAsync(() => ListeningSockets.Addresses(port).Count > 0), $"no control port {control}");
        return balancer;
    }
}
