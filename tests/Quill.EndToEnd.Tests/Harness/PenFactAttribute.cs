namespace Quill.EndToEnd.Tests.Harness;

/// <summary>A fact that compares against the real pen: skipped, with the reason, when pen is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PenFactAttribute : FactAttribute
{
    public PenFactAttribute()
    {
        if (!PenInstallation.IsInstalled)
            Skip = PenInstallation.MissingMessage;
    }
}
