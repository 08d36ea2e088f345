using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Control;

public sealed class QuillctlTests
{
    [Fact]
    public async Task NothingListening_ExitsOneWithPensMessage()
    {
        var result = await Penctl.RunQuillctlAsync($"127.0.0.1:{FreePorts.Next()}", "servers");

        Assert.Equal(new Penctl.Result(1, "", "error connecting to server\n"), result);
    }

    [Fact]
    public async Task TooFewArguments_PrintsUsageAndExitsZero()
    {
        var result = await Penctl.RunQuillctlAsync("127.0.0.1:1");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("usage: quillctl ", result.Stdout);
    }

    [Fact]
    public async Task HelpAndVersion_PrintToStdoutAndExitZero()
    {
        var usage = await Penctl.RunQuillctlAsync("127.0.0.1:1");
        var help = await Penctl.RunQuillctlAsync("--help");
        var version = await Penctl.RunQuillctlAsync("--version");

        Assert.Equal(usage, help);
        Assert.Equal(new Penctl.Result(0, version.Stdout, ""), version);
        Assert.Matches(@"^quillctl \d+\.\d+\.\d+ \(commit [0-9a-f]{40}\)\n\.NET \d+\.\d+\.\d+\S*\n$", version.Stdout);
    }

    [PenFact]
    public async Task Output_IsWhatPenctlPrints()
    {
        using var servers = NamedBackends.Start(2);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);

        foreach (var command in new[] { "servers", "mode", "blacklist 20", "frob" })
        {
            var penctl = await RunPenctlAsync(balancer.ControlText, command);
            var quillctl = await Penctl.RunQuillctlAsync([balancer.ControlText, .. command.Split(' ')]);
            Assert.Equal(penctl, quillctl.Stdout);
            Assert.Equal(0, quillctl.ExitCode);
        }
    }

    /// <summary>keepalived's vrrp_script reads only the exit status: 0 while quill can serve, 1 with the reason otherwise.</summary>
    [Fact]
    public async Task Alive_ExitsZeroOnlyWhileListeningWithAServerUp()
    {
        using var servers = NamedBackends.Start(2);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);

        var alive = await Penctl.RunQuillctlAsync(balancer.ControlText, "alive");
        Assert.Equal(0, alive.ExitCode);
        Assert.StartsWith("alive: listening on ", alive.Stdout);

        await balancer.AskAsync("server 0 maint");
        await balancer.AskAsync("server 1 maint");
        var noServer = await Penctl.RunQuillctlAsync(balancer.ControlText, "alive");
        Assert.Equal(new Penctl.Result(1, "", "not alive: no server available (2 configured, none up)\n"), noServer);

        balancer.Process.Dispose();
        var gone = await Penctl.RunQuillctlAsync(balancer.ControlText, "alive");
        Assert.Equal(1, gone.ExitCode);
        Assert.NotEmpty(gone.Stderr);
    }

    /// <summary>A script can tell a refused reload by the exit status: the error lines go to stderr, as alive's do.</summary>
    [Fact]
    public async Task Reload_Refused_ExitsOneWithItsErrorLines_Applied_ExitsZero()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await File.WriteAllTextAsync(file, $"server 0 address 127.0.0.1 port {servers[0].Port}\n");
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, ["-F", file]);

        await File.WriteAllTextAsync(file, "server 0 max lots\n");
        var refused = await Penctl.RunQuillctlAsync(balancer.ControlText, "reload");
        Assert.Equal(new Penctl.Result(1, "",
            $"{file}:1: server 0 max: invalid number 'lots'\nreload: 1 error(s) in {file}, nothing changed\n"), refused);

        await File.WriteAllTextAsync(file, $"server 0 address 127.0.0.1 port {servers[0].Port}\nblacklist 7\n");
        var applied = await Penctl.RunQuillctlAsync(balancer.ControlText, "reload");
        Assert.Equal(new Penctl.Result(0, $"reload: {file} applied\n", ""), applied);
    }

    [Fact]
    public async Task Reload_WithoutConfigFile_ExitsOne()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);

        var result = await Penctl.RunQuillctlAsync(balancer.ControlText, "reload");

        Assert.Equal(new Penctl.Result(1, "", "reload: there is no -F configuration file to reload\n"), result);
    }

    [Fact]
    public async Task Json_ServersModeAndRecent()
    {
        using var servers = NamedBackends.Start(2);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers[0].Spec + ":0:0:3:4", servers[1].Spec);
        Assert.Equal("s1", await LoopbackClient.AskAsync(balancer.Listen.Endpoint));
        await Eventually.ValueAsync(() => balancer.AskAsync("recent"), r => r.Contains("sx 3", StringComparison.Ordinal));

        var listed = JsonDocument.Parse((await Penctl.RunQuillctlAsync("--json", balancer.ControlText, "servers")).Stdout).RootElement;
        var mode = JsonDocument.Parse((await Penctl.RunQuillctlAsync("--json", balancer.ControlText, "mode")).Stdout).RootElement;
        var recent = JsonDocument.Parse((await Penctl.RunQuillctlAsync("--json", balancer.ControlText, "recent")).Stdout).RootElement;

        Assert.Equal(2, listed.GetArrayLength());
        Assert.Equal(servers[0].Port, listed[0].GetProperty("port").GetInt32());
        Assert.Equal(3, listed[0].GetProperty("weight").GetInt32());
        Assert.Equal(4, listed[0].GetProperty("prio").GetInt32());
        Assert.Equal("127.0.0.1", listed[1].GetProperty("address").GetString());
        Assert.False(mode.GetProperty("hash").GetBoolean());
        Assert.Equal("127.0.0.1", recent[0].GetProperty("address").GetString());
        Assert.Equal(1, recent[0].GetProperty("connects").GetInt32());
        Assert.Equal(3, recent[0].GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task Json_ErrorReply_GoesToStderrWithExitOne()
    {
        using var servers = NamedBackends.Start(1);
        using var balancer = await ControlledBalancer.StartAsync(BalancerKind.Quill, [], servers.Specs);

        var result = await Penctl.RunQuillctlAsync("--json", balancer.ControlText, "recent", "x");

        Assert.Equal(new Penctl.Result(1, "", "recent: invalid number 'x'\n"), result);
    }

    [Fact]
    public async Task Timeout_SilentServer_GivesUp()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await Penctl.RunQuillctlAsync("--timeout", "1", $"127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}", "servers");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("quillctl: no complete reply within 1 seconds\n", result.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task UnixControlSocket_WorksWithQuillctl()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        var socket = directory.File("quill.ctl");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen,
            [.. ControlledBalancer.AsRootOptions, "-C", socket], servers.Specs);

        var result = await Penctl.RunQuillctlAsync(socket, "control");

        Assert.Equal(new Penctl.Result(0, socket + "\n", ""), result);
    }

    [Fact]
    public async Task Ipv6ControlPort_WorksWithQuillctl()
    {
        using var servers = NamedBackends.Start(1);
        var port = FreePorts.Next(IPAddress.IPv6Loopback);
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var balancer = await BalancerProcess.StartAsync(BalancerKind.Quill, listen,
            [.. ControlledBalancer.AsRootOptions, "-C", $"[::1]:{port}"], servers.Specs);

        var result = await Penctl.RunQuillctlAsync($"::1:{port}", "listen");

        Assert.Equal(new Penctl.Result(0, listen.Argument + "\n", ""), result);
    }

    private static async Task<string> RunPenctlAsync(string address, string command)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/penctl") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(address);
        foreach (var word in command.Split(' '))
            start.ArgumentList.Add(word);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Penctl.Timeout);
        return output;
    }
}
