using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Control;

public sealed class ConfigFileTests
{
    private const int SigHup = 1;

    [Theory]
    [Balancer(BalancerKind.Pen)]
    [Balancer(BalancerKind.Quill)]
    public async Task SigHup_RereadsTheFile_AddingServers(BalancerKind kind)
    {
        using var servers = NamedBackends.Start(2);
        using var directory = new TempDirectory();
        var file = directory.File("balancer.cfg");
        await File.WriteAllTextAsync(file, $"roundrobin\nserver 0 address 127.0.0.1 port {servers[0].Port}\n");
        using var balancer = await ControlledBalancer.StartAsync(kind, ["-F", file]);
        Assert.Single((await balancer.AskAsync("servers")).Split('\n', StringSplitOptions.RemoveEmptyEntries));

        await File.AppendAllTextAsync(file, $"server 1 address 127.0.0.1 port {servers[1].Port}\n");
        balancer.Process.SendSignal(SigHup);

        var listed = await Eventually.ValueAsync(() => balancer.AskAsync("servers"), r => r.Contains("\n1 addr", StringComparison.Ordinal));
        Assert.Contains($"1 addr 127.0.0.1 port {servers[1].Port} ", listed, StringComparison.Ordinal);
        var answers = new HashSet<string>();
        for (var i = 0; i < 4; i++)
            answers.Add(await LoopbackClient.AskAsync(balancer.Listen.Endpoint));
        Assert.Equal(["s0", "s1"], answers.Order());
        Assert.False(balancer.Process.HasExited);
    }

    [Fact]
    public async Task ConfigFileAlone_DefinesListenerAndServers()
    {
        using var servers = NamedBackends.Start(2);
        using var directory = new TempDirectory();
        var listen = ListenAddress.Loopback(FreePorts.Next());
        var file = directory.File("all.cfg");
        await File.WriteAllTextAsync(file, $"""
            # everything in the file
            listen {listen.Argument}
            roundrobin
            server 0 address 127.0.0.1 port {servers[0].Port}
            server 1 address 127.0.0.1 port {servers[1].Port}

            """);
        using var balancer = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-F", file]);
        await balancer.WaitUntilListeningAsync(listen);

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
            answers.Add(await LoopbackClient.AskAsync(listen.Endpoint));

        Assert.Equal(["s1", "s0", "s1", "s0"], answers);
    }

    [Fact]
    public async Task BadLine_NamesFileAndLine_AndQuillDoesNotStart()
    {
        using var directory = new TempDirectory();
        var file = directory.File("bad.cfg");
        await File.WriteAllTextAsync(file, "roundrobin\n# fine\nserver 1 max lots\n");
        using var balancer = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-F", file, $"127.0.0.1:{FreePorts.Next()}"]);

        Assert.Equal(1, await balancer.WaitForExitAsync());
        Assert.Contains($"quill: {file}:3: server 1 max: invalid number 'lots'", balancer.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ThenRestartWithTheFile_GivesTheSameServersAndMode()
    {
        using var servers = NamedBackends.Start(3);
        using var directory = new TempDirectory();
        var file = directory.File("written.cfg");
        string servers1, mode1, settings1;
        using (var first = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers[0].Spec + ":5:6:7:8", servers[1].Spec))
        {
            await first.AskAsync($"server 2 address 127.0.0.1 port {servers[2].Port} weight 4 prio 2 max 9 hard 10");
            await first.AskAsync("server 1 weight 3 acl 2");
            await first.AskAsync("acl 2 deny 10.0.0.0 255.0.0.0");
            await first.AskAsync("stubborn");
            await first.AskAsync("hash");
            await first.AskAsync("blacklist 17");
            Assert.Equal("", await first.AskAsync($"write {file}"));
            servers1 = await first.AskAsync("servers");
            mode1 = await first.AskAsync("mode");
            settings1 = await first.AskAsync("blacklist") + await first.AskAsync("timeout");
            Assert.Equal(0, await first.Process.StopAsync());
        }

        // The file holds no listener (as pen's write output): the command line gives it, as on the first start.
        using var second = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-F", file]);

        Assert.Equal(servers1, await second.AskAsync("servers"));
        Assert.Equal(mode1, await second.AskAsync("mode"));
        Assert.Equal(settings1, await second.AskAsync("blacklist") + await second.AskAsync("timeout"));
        Assert.Contains("2 addr 127.0.0.1 port " + servers[2].Port + " conn 0 max 9 hard 10 weight 4 prio 2", servers1, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFile_FailsNamingIt()
    {
        using var directory = new TempDirectory();
        var file = directory.File("missing.cfg");
        using var balancer = BalancerProcess.Launch(BalancerKind.Quill, ["-f", "-F", file, $"127.0.0.1:{FreePorts.Next()}"]);

        Assert.Equal(1, await balancer.WaitForExitAsync());
        Assert.StartsWith($"quill: -F {file}: ", balancer.StandardError, StringComparison.Ordinal);
    }
}
