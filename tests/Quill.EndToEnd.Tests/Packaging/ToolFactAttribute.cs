namespace Quill.EndToEnd.Tests.Packaging;

/// <summary>A fact that needs programs on PATH (./test.sh installs them): skipped, naming the missing ones, otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        var missing = tools.Where(tool => !IsOnPath(tool)).ToArray();
        if (missing.Length > 0) Skip = $"needs {string.Join(", ", missing)} (apt-get install lintian mandoc man-db systemd dpkg-dev)";
    }

    public static bool IsOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));
}
