namespace Quill.EndToEnd.Tests.Packaging;

/// <summary>
/// A fact that installs and purges the Debian package on this machine: it needs root, the tools packaging/test-deb.sh
/// runs (./test.sh installs them), and no quill package installed already (test-deb.sh leaves one alone).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DebianPackageFactAttribute : FactAttribute
{
    private static readonly string[] Tools =
        ["dpkg-deb", "dpkg-shlibdeps", "lintian", "mandoc", "man", "systemd-analyze", "python3", "file", "flock"];

    public DebianPackageFactAttribute()
    {
        var missing = Tools.Where(tool => !ToolFactAttribute.IsOnPath(tool)).ToArray();
        if (Environment.UserName != "root") Skip = "needs root to install and purge the package";
        else if (missing.Length > 0) Skip = $"needs {string.Join(", ", missing)} (apt-get install lintian mandoc man-db systemd dpkg-dev file)";
        else if (File.Exists("/var/lib/dpkg/info/quill.list")) Skip = "a quill package is installed on this machine; the test leaves it alone";
    }
}
