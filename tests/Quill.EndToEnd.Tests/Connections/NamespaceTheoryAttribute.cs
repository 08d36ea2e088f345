namespace Quill.EndToEnd.Tests.Connections;

/// <summary>A fact that needs network namespaces: skipped, with the reason, where they cannot be made.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NamespaceTheoryAttribute : TheoryAttribute
{
    public NamespaceTheoryAttribute()
    {
        if (TransparentNetwork.Unavailable() is { } reason) Skip = reason;
    }
}
