using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

public sealed class DemoTests
{
    /// <summary>`quill --demo -r port`: curl gets answers from both embedded demo backends in turn.</summary>
    [Fact]
    public async Task Demo_WithRoundRobin_AnswersCurlFromBothBackends()
    {
        Assert.True(Curl.IsInstalled, $"curl is needed at {Curl.Executable}");
        var port = FreePorts.Next();
        var listen = ListenAddress.BarePort(port);
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, ["--demo", "-r", listen.Argument]);
        await quill.WaitUntilListeningAsync(listen);

        var bodies = new List<string>();
        for (var i = 0; i < 4; i++)
            bodies.Add(await Curl.GetAsync($"http://127.0.0.1:{port}/"));

        Assert.Equal(2, bodies.Distinct().Count());
        Assert.Contains(bodies, body => body.Contains("demo backend 1", StringComparison.Ordinal));
        Assert.Contains(bodies, body => body.Contains("demo backend 2", StringComparison.Ordinal));
        Assert.NotEqual(bodies[0], bodies[1]);
        Assert.Equal(0, await quill.StopAsync());
    }
}
