namespace Quill.EndToEnd.Tests.Security;

/// <summary>A fact that runs a scanner from Debian (test.sh installs it as root): skipped, saying which, when missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string executable)
    {
        if (!File.Exists(executable)) Skip = $"{executable} is not installed (test.sh installs it when run as root)";
    }
}
