using System.Text.Json;

namespace Quill.Fuzz.Tests.Harness;

/// <summary>
/// The files kept in the repository for a target: tests/fuzz/corpus/TARGET (seeds the generators start from) and
/// tests/fuzz/regressions/TARGET (every input that once failed). Text targets store a JSON array of strings per
/// file; byte targets store the raw bytes.
/// </summary>
internal static class Corpus
{
    private static readonly Lazy<string> FuzzDirectory = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Quill.slnx"))) return Path.Combine(dir.FullName, "tests", "fuzz");
        }
        throw new DirectoryNotFoundException($"no Quill.slnx above {AppContext.BaseDirectory}");
    });

    /// <summary>The seed corpus and the regressions of a target, as raw bytes, in a stable order.</summary>
    public static IReadOnlyList<byte[]> Bytes(string target) =>
        [.. Files("corpus", target).Concat(Files("regressions", target)).Select(File.ReadAllBytes)];

    /// <summary>The same files, each a JSON array of strings (words or command lines).</summary>
    public static IReadOnlyList<string[]> Words(string target) =>
        [.. Bytes(target).Select(bytes => JsonSerializer.Deserialize<string[]>(bytes) ?? [])];

    private static IEnumerable<string> Files(string kind, string target)
    {
        var dir = Path.Combine(FuzzDirectory.Value, kind, target);
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Order(StringComparer.Ordinal) : [];
    }
}
