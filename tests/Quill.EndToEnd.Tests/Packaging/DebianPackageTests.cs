using Quill.EndToEnd.Tests.Harness;
using Quill.EndToEnd.Tests.Operations;
using Xunit.Abstractions;

namespace Quill.EndToEnd.Tests.Packaging;

/// <summary>
/// The Debian package end to end, by packaging/test-deb.sh: build-deb.sh builds it (NativeAOT quill and quillctl),
/// then lintian, its contents (dpkg-deb -c), both man pages through <c>MANWIDTH=80 man --warnings -l</c>,
/// <c>systemd-analyze verify</c>, install on this machine, the unit's ExecStart line run with a NOTIFY_SOCKET the script
/// listens on (READY=1 once the port accepts, HUP: RELOADING=1 then READY=1, TERM: STOPPING=1), ExecReload's
/// check, the packaged quill in a chroot, purge, and nothing left behind. In the heavy collection: the NativeAOT
/// build takes both cores for a few minutes, which would starve the timing-sensitive tests.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class DebianPackageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(20);

    [DebianPackageFact]
    public async Task BuildLintInstallStartReloadStopPurge_EveryCheckPasses()
    {
        using var packages = new TempDirectory();
        var script = Path.Combine(RepositoryLayout.Root, "packaging", "test-deb.sh");

        var (exit, checks, error) = await ProcessTests.RunCommandAsync("env", RepositoryLayout.Root,
            [$"QUILL_DEB_OUT={packages.Path}", "bash", script], timeout: Limit);

        output.WriteLine(checks);
        Assert.True(exit == 0, checks + error);
        var lines = checks.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^[1-9]\d* passed, 0 failed$", lines[^1]);
        Assert.DoesNotContain(lines, line => line.StartsWith("FAILED", StringComparison.Ordinal));
        Assert.Contains(lines, line => line == "ok: READY=1 arrives once the port accepts");
        Assert.Contains(lines, line => line == "ok: the purge left nothing behind");
    }
}
