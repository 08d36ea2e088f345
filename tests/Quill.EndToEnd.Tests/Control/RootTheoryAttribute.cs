namespace Quill.EndToEnd.Tests.Control;

/// <summary>A theory about what happens to root: skipped, with the reason, when the tests do not run as root.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "the tests do not run as root, and only root is refused the control port";
    }
}
