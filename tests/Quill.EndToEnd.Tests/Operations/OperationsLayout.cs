using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Operations;

/// <summary>The companion executables these tests run besides quill.</summary>
internal static class OperationsLayout
{
    public static string QuillCtl { get; } =
        Path.Combine(RepositoryLayout.Root, "src", "Quill.Ctl", "bin", RepositoryLayout.Configuration, "net10.0", "quillctl");

    public const string PenMergelogs = "/usr/bin/mergelogs";
    public const string PenPenlogd = "/usr/bin/penlogd";

    public static bool IsRoot => Environment.UserName == "root";
}
