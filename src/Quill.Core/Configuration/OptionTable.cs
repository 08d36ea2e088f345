namespace Quill.Core.Configuration;

/// <summary>pen's option letters and the fixed texts that go with some of them.</summary>
internal static class OptionTable
{
    /// <summary>pen 0.34.1's getopt string (SSL build), so quill splits a command line exactly as pen does.</summary>
    public const string GetoptString = "B:C:F:O:S:T:b:c:e:i:j:l:m:o:p:q:t:u:w:x:DHNPQWXUadfhnrsE:K:G:A:ZRL:";

    /// <summary>quill's own long options that take a value (--name VALUE or --name=VALUE).</summary>
    public static readonly IReadOnlySet<string> LongOptionsWithValue = new HashSet<string>(StringComparer.Ordinal) { "web-listen", "grace", "syslog-facility" };

    /// <summary>The listen spec used by --demo when none is given.</summary>
    public const string DemoListen = "8080";

    /// <summary>Options pen still accepts only to say they are obsolete (pen's texts, on one line).</summary>
    public static readonly IReadOnlyDictionary<char, string> ObsoleteNotices = new Dictionary<char, string>
    {
        ['n'] = "Pen 0.26.0 and up uses only nonblocking sockets, making the -n option obsolete",
        ['P'] = "quill chooses its own event mechanism, making the -P option obsolete",
        ['Q'] = "Since Pen 0.26.0, kqueue is already the default on supported systems, making the -Q option obsolete",
        ['D'] = "Pen 0.26.0 removed the delayed forward feature, making the -D option obsolete",
        ['S'] = "As of 0.28.1 the server table is expanded dynamically, making the -S option obsolete",
    };
}
