namespace Quill.EndToEnd.Tests.Harness;

/// <summary>The real pen 0.34.1, the reference implementation; tests that need it are skipped where it is missing.</summary>
internal static class PenInstallation
{
    public const string Executable = "/usr/bin/pen";

    public const string MissingMessage = "pen is not installed at " + Executable + " (apt-get install pen)";

    public static bool IsInstalled => File.Exists(Executable);
}
