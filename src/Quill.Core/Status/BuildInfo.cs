namespace Quill.Core.Status;

/// <summary>What build is running, for /metrics' quill_build_info and the status page.</summary>
public static class BuildInfo
{
    public static string Version { get; } = typeof(BuildInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string Runtime => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
}
