using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Scenarios;

/// <summary>
/// Quill's answers to bad or informational command lines. pen prints its usage and exits 0 for all of these;
/// quill says what is wrong on one stderr line starting "quill: " and exits non-zero.
/// </summary>
public sealed class CommandLineTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunQuillAsync(params string[] arguments)
    {
        using var quill = BalancerProcess.Launch(BalancerKind.Quill, arguments);
        var exit = await quill.WaitForExitAsync(TimeSpan.FromSeconds(10));
        return (exit, quill.StandardOutput, quill.StandardError);
    }

    private static void AssertOneErrorLineNaming(string stderr, string offending)
    {
        var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("quill: ", StringComparison.Ordinal))
            .ToList();
        var error = Assert.Single(errors);
        Assert.Contains(offending, error, StringComparison.Ordinal);
    }

    private static string Listen() => $"127.0.0.1:{FreePorts.Next()}";

    [Fact]
    public async Task UnknownOption_FailsNamingIt()
    {
        var (exit, _, stderr) = await RunQuillAsync("-f", "-y", Listen(), "127.0.0.1:9");

        Assert.NotEqual(0, exit);
        AssertOneErrorLineNaming(stderr, "-y");
    }

    [Theory]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:80:x")]
    [InlineData("[::1")]
    public async Task MalformedServerSpec_FailsNamingIt(string spec)
    {
        var (exit, _, stderr) = await RunQuillAsync("-f", Listen(), spec);

        Assert.NotEqual(0, exit);
        AssertOneErrorLineNaming(stderr, spec);
    }

    [Fact]
    public async Task MalformedListenAddress_FailsNamingIt()
    {
        var (exit, _, stderr) = await RunQuillAsync("-f", "127.0.0.1:99999", "127.0.0.1:9");

        Assert.NotEqual(0, exit);
        AssertOneErrorLineNaming(stderr, "99999");
    }

    [Fact]
    public async Task ListenAddressInUse_FailsNamingIt()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        var port = ((IPEndPoint)occupant.LocalEndPoint!).Port;

        var (exit, _, stderr) = await RunQuillAsync("-f", $"127.0.0.1:{port}", "127.0.0.1:9");

        Assert.NotEqual(0, exit);
        AssertOneErrorLineNaming(stderr, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Help_PrintsUsageAndExitsZero()
    {
        var (exit, stdout, _) = await RunQuillAsync("--help");

        Assert.Equal(0, exit);
        Assert.Contains("quill", stdout, StringComparison.Ordinal);
        Assert.Contains("-r", stdout, StringComparison.Ordinal);
        Assert.Contains("-x", stdout, StringComparison.Ordinal);
    }

    /// <summary>Service names come from getservbyname_r(3), so whatever NSS answers (getent, here) is what quill uses.</summary>
    [Fact]
    public async Task ServiceName_ListensOnThePortNssGivesForIt()
    {
        var (exit, services, _) = await Operations.ProcessTests.RunCommandAsync("getent", "/", ["services"]);
        Assert.Equal(0, exit);
        var (name, port) = services.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 2 && fields[1].EndsWith("/tcp", StringComparison.Ordinal))
            .Select(fields => (Name: fields[0], Port: int.Parse(fields[1].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)))
            .First(entry => entry.Port > 1024 && !ListeningSockets.IsListening(new IPEndPoint(IPAddress.Loopback, entry.Port)));
        using var servers = Backends.NamedBackends.Start(1);

        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, new ListenAddress($"127.0.0.1:{name}", new IPEndPoint(IPAddress.Loopback, port)), [], servers.Specs);

        Assert.Equal("s0", await LoopbackClient.AskAsync(new IPEndPoint(IPAddress.Loopback, port)));
    }

    [Fact]
    public async Task Version_PrintsVersionCommitRuntimeAndTheLoadedOpenSsl()
    {
        var (exit, stdout, _) = await RunQuillAsync("--version");

        Assert.Equal(0, exit);
        // The commit is this checkout's (the SDK stamps it); OpenSSL's line is what libssl says at run time.
        Assert.Matches(@"^quill \d+\.\d+\.\d+ \(commit [0-9a-f]{40}\)\n\.NET \d+\.\d+\.\d+\S*\nOpenSSL 3\.\d+\.\d+\S* .*\n$", stdout);
    }
}
