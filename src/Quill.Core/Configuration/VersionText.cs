using System.Reflection;
using System.Runtime.InteropServices;

namespace Quill.Core.Configuration;

/// <summary>
/// What <c>--version</c> prints, for quill and quillctl alike: the tool's name, the version every Quill assembly
/// shares and the git commit it was built from (the SDK stamps it after a '+' in the informational version), the
/// .NET runtime, and for quill the OpenSSL that libssl reports at run time (not the one it was built against).
/// </summary>
public static class VersionText
{
    /// <summary>The version without the commit, as in the package version (0.1.0).</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>The commit the build came from, or "unknown" for a build outside a git checkout.</summary>
    public static string Commit => Informational.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : "unknown";

    /// <param name="openSsl">OpenSSL's own version line; null for a tool that does not use it.</param>
    public static string For(string tool, string? openSsl = null)
    {
        var text = $"{tool} {Version} (commit {Commit})\n{RuntimeInformation.FrameworkDescription}";
        return openSsl is null ? text : $"{text}\n{openSsl}";
    }

    private static string Informational =>
        typeof(VersionText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionText).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
