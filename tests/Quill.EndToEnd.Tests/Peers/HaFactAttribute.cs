namespace Quill.EndToEnd.Tests.Peers;

/// <summary>A fact that needs <see cref="HaNetwork"/>: skipped, with the reason, where it cannot be made.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HaFactAttribute : FactAttribute
{
    public HaFactAttribute()
    {
        if (HaNetwork.Unavailable() is { } reason) Skip = reason;
    }
}
