using System.Globalization;
using System.Net.Sockets;
using Quill.EndToEnd.Tests.Backends;
using Quill.EndToEnd.Tests.Control;
using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>
/// Files quill makes as root before -u/-j take effect: the pid file (so /run/quill.pid works with -u quill) and a
/// unix control socket (0600, owned by the -u user, unless control_mode asks for another mode).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrivilegedFilesTests
{
    private const int Nobody = 65534;
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(5);

    [RootFact]
    public async Task PidFile_WithUserNobody_IsWrittenAsRootInADirectoryOnlyRootMayWrite()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        var pidFile = directory.File("quill.pid");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-u", "nobody", "-p", pidFile], servers.Specs);

        Assert.Equal(quill.Pid.ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile));
        Assert.Equal("0", (await StatAsync(pidFile)).Split(' ')[1]);
        Assert.Equal(0, await quill.StopAsync(Quickly));
        // nobody may not delete in root's 0700 directory: the file stays (under systemd, RuntimeDirectory= goes).
        Assert.True(File.Exists(pidFile));
    }

    [RootFact]
    public async Task PidFile_WithJail_IsWrittenOutsideTheJail_AndRemovedFromThereOnExit()
    {
        using var servers = NamedBackends.Start(1);
        using var jail = new TempDirectory();
        using var run = new TempDirectory();
        var pidFile = run.File("quill.pid");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-j", jail.Path, "-p", pidFile], servers.Specs);
        Assert.True(await Eventually.TrueAsync(() => new DirectoryInfo($"/proc/{quill.Pid}/root").LinkTarget == jail.Path));

        Assert.Equal(quill.Pid.ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile));
        Assert.Empty(Directory.GetFileSystemEntries(jail.Path));
        Assert.Equal(0, await quill.StopAsync(Quickly));
        Assert.False(File.Exists(pidFile), "the pid file outside the jail outlived quill");
    }

    [RootFact]
    public async Task UnixControlSocket_WithUserNobody_Is0600OwnedByNobody_OnlyNobodyAndRootConnect()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        File.SetUnixFileMode(directory.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        var socket = directory.File("quill.ctl");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen, ["-u", "nobody", "-C", socket], servers.Specs);
        Assert.True(await Eventually.TrueAsync(() => File.Exists(socket)));

        Assert.Equal($"140600 {Nobody} {Nobody}", await StatAsync(socket));
        Assert.Equal(quill.Pid.ToString(CultureInfo.InvariantCulture), (await Penctl.RunQuillctlAsync(socket, "pid")).Stdout.Trim());
        Assert.Equal("connected", await ConnectAsAsync(Nobody, socket));
        Assert.Equal("refused: EACCES", await ConnectAsAsync(Nobody - 1, socket));
        Assert.Equal(0, await quill.StopAsync(Quickly));
    }

    [RootFact]
    public async Task UnixControlSocket_ControlModeAsked_GetsThatMode()
    {
        using var servers = NamedBackends.Start(1);
        using var directory = new TempDirectory();
        var socket = directory.File("quill.ctl");
        var listen = ListenAddress.Loopback(FreePorts.Next());
        using var quill = await BalancerProcess.StartAsync(BalancerKind.Quill, listen,
            ["-u", "nobody", "-o", "control_mode 0660", "-C", socket], servers.Specs);
        Assert.True(await Eventually.TrueAsync(() => File.Exists(socket)));

        Assert.Equal($"140660 {Nobody} {Nobody}", await StatAsync(socket));
        Assert.Equal("0660", (await Penctl.RunQuillctlAsync(socket, "control_mode")).Stdout.Trim());
        Assert.Equal(0, await quill.StopAsync(Quickly));
    }

    /// <summary>Mode in octal with the file type, owner uid and gid.</summary>
    private static async Task<string> StatAsync(string path)
    {
        var (exit, output, error) = await ProcessTests.RunCommandAsync("stat", "/", ["-c", "%f %u %g", path]);
        Assert.True(exit == 0, error);
        var fields = output.Trim().Split(' ');
        return $"{Convert.ToString(Convert.ToInt32(fields[0], 16), 8)} {fields[1]} {fields[2]}";
    }

    /// <summary>Connects to a unix socket as another user (setpriv, then python3's socket module, as any client would).</summary>
    private static async Task<string> ConnectAsAsync(int uid, string path)
    {
        const string Script = "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ntry:\n  s.connect(sys.argv[1]); print('connected')\nexcept PermissionError: print('refused: EACCES')\n";
        var (exit, output, error) = await ProcessTests.RunCommandAsync("setpriv", "/",
            [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", "/usr/bin/python3", "-c", Script, path]);
        Assert.True(exit == 0, error);
        return output.Trim();
    }
}
