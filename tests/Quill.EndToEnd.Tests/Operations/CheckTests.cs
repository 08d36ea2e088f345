using System.Net;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>quill --check: the command line and the -F file read as a start reads them, with nothing opened.</summary>
public sealed class CheckTests
{
    private static async Task<BalancerProcess> CheckAsync(params string[] arguments)
    {
        var check = BalancerProcess.Launch(BalancerKind.Quill, ["--check", .. arguments]);
        await check.WaitForExitAsync();
        return check;
    }

    [Fact]
    public async Task GoodFile_ExitsZero_AndOpensNothing()
    {
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        var log = directory.File("access.log");
        var pid = directory.File("quill.pid");
        await File.WriteAllTextAsync(file, $"roundrobin\nserver 2 address 127.0.0.1 port 9\nlog {directory.File("file-log.log")}\nwrite\n");
        var before = await File.ReadAllTextAsync(file);
        // The listen port is taken: a check that tried to listen would fail.
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        using var check = await CheckAsync("-F", file, "-l", log, "-p", pid, "-C", $"127.0.0.1:{FreePorts.Next()}",
            $"127.0.0.1:{port}", "127.0.0.1:7", "127.0.0.1:8");

        Assert.Equal(0, await check.WaitForExitAsync());
        Assert.Equal("", check.StandardError);
        Assert.Equal("configuration ok", check.StandardOutput.Trim());
        Assert.Equal(["quill.cfg"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
        Assert.Equal(before, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task BadFile_ExitsOne_NamingEveryBadLine()
    {
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await File.WriteAllTextAsync(file, "roundrobin\nserver 0 max lots\n# fine\nbogus\ninclude /nonexistent/quill.cfg\n");

        using var check = await CheckAsync("-F", file, $"127.0.0.1:{FreePorts.Next()}", "127.0.0.1:7");

        Assert.Equal(1, await check.WaitForExitAsync());
        var lines = check.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal($"{file}:2: server 0 max: invalid number 'lots'", lines[0]);
        Assert.Equal($"{file}:4: do_cmd: ignoring command starting with 'bogus'", lines[1]);
        Assert.StartsWith($"{file}:5: include: cannot read '/nonexistent/quill.cfg'", lines[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-x", "lots", "8080", "a:80")]
    [InlineData("--bogus", "8080", "a:80")]
    [InlineData("8080", "unknown-host.invalid:80")]
    [InlineData()]
    public async Task BadCommandLine_ExitsOne_WithOneLine(params string[] arguments)
    {
        using var check = await CheckAsync(arguments);

        Assert.Equal(1, await check.WaitForExitAsync());
        var line = Assert.Single(check.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("command line: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadOption_AndBadFile_BothChecked()
    {
        using var directory = new TempDirectory();
        var file = directory.File("quill.cfg");
        await File.WriteAllTextAsync(file, "bogus\n");

        using var check = await CheckAsync("-o", "nonsense", "-F", file, $"127.0.0.1:{FreePorts.Next()}");

        Assert.Equal(1, await check.WaitForExitAsync());
        Assert.Equal(
            ["-o 'nonsense': do_cmd: ignoring command starting with 'nonsense'", $"{file}:1: do_cmd: ignoring command starting with 'bogus'"],
            check.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
