namespace Quill.EndToEnd.Tests.Operations;

/// <summary>A fact that needs root (switching user, chroot); skipped with a message otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperationsLayout.IsRoot) Skip = "needs root to switch user and chroot";
    }
}
