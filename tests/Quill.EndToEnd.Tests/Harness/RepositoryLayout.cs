using System.Reflection;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>Where the built quill executable is: found from the test assembly, in the same configuration.</summary>
internal static class RepositoryLayout
{
    private const string SolutionFile = "Quill.slnx";

    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release, whichever the test assembly was built with, so both come from one build.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>QUILL_EXECUTABLE lets the suite run against another build of quill, such as a published binary.</summary>
    public static string QuillExecutable { get; } =
        Environment.GetEnvironmentVariable("QUILL_EXECUTABLE") is { Length: > 0 } overridden
            ? overridden
            : Path.Combine(Root, "src", "Quill", "bin", Configuration, "net10.0", "quill");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no {SolutionFile} above {AppContext.BaseDirectory}");
    }
}
