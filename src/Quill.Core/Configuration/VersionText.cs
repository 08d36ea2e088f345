namespace Quill.Core.Configuration;

/// <summary>What <c>--version</c> prints, for quill and quillctl alike: the tool's name and the version every Quill assembly shares.</summary>
public static class VersionText
{
    public static string For(string tool) => $"{tool} {typeof(VersionText).Assembly.GetName().Version?.ToString(3)}";
}
