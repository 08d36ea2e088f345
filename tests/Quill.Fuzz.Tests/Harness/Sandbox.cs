namespace Quill.Fuzz.Tests.Harness;

/// <summary>
/// A directory per sampling thread for the commands that touch files (write, include), so fuzzed paths never reach
/// the rest of the file system and threads never share a file. It holds files for include to find: commands that
/// work, commands that are refused, and the thread's -F file, which a fuzzed file may include (itself).
/// </summary>
internal static class Sandbox
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"quill-fuzz-{Environment.ProcessId}");
    private static readonly ThreadLocal<string> PerThread = new(Create);

    static Sandbox() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try { System.IO.Directory.Delete(Root, recursive: true); } catch (IOException) { }
    };

    public static string Directory => PerThread.Value!;

    /// <summary>The -F file of this thread (the config target writes each input here).</summary>
    public static string ConfigFile => Path.Combine(Directory, "quill.cfg");

    /// <summary>What <c>write</c> writes to, with or without a file name.</summary>
    public static string Written => Path.Combine(Directory, "written.cfg");

    private static readonly string[] IncludeNames = ["good.cfg", "bad.cfg", "quill.cfg", "missing.cfg", "."];

    /// <summary>Above this, a valid server number only makes the table, and every snapshot of it, big: the regression
    /// replay covers the highest one, the campaign keeps to small tables so that it stays fast.</summary>
    private const int MaxServerNumber = 300;

    /// <summary>Replaces the file name of <c>write</c> and <c>include</c> with one inside the sandbox, chosen by the
    /// name, and (unless <paramref name="bigTables"/>) a server number from 301 to 65535 with a small one.</summary>
    public static string Confine(string line, bool bigTables = false)
    {
        // Decided on the part the dispatcher runs (up to a CR, LF or NUL); the rest is kept for it to ignore.
        var end = line.AsSpan().IndexOfAny('\r', '\n', '\0');
        var tail = end < 0 ? "" : line[end..];
        var words = (end < 0 ? line : line[..end]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2) return line;
        var replaced = words[0] switch
        {
            "write" => Written,
            "include" => Path.Combine(Directory, IncludeNames[(int)((uint)StringComparer.Ordinal.GetHashCode(words[1]) % IncludeNames.Length)]),
            "server" when !bigTables && int.TryParse(words[1], out var n) && n is > MaxServerNumber and <= 65535 => (n % MaxServerNumber).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
        return replaced is null ? line : string.Join(' ', [words[0], replaced, .. words[2..]]) + tail;
    }

    private static string Create()
    {
        var dir = Path.Combine(Root, Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "good.cfg"), "roundrobin\nserver 1 weight 3\n# comment\nacl 2 permit 10.0.0.0 255.0.0.0\n");
        File.WriteAllText(Path.Combine(dir, "bad.cfg"), "timeout x\nno such\nhash\n");
        File.WriteAllText(Path.Combine(dir, "quill.cfg"), "");
        return dir;
    }
}
