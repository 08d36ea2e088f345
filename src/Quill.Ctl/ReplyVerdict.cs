namespace Quill.Ctl;

/// <summary>
/// The commands whose reply says whether they worked, so that quillctl's exit status can tell a script (or keepalived's
/// vrrp_script): the reply goes to stdout with exit 0 when it did, to stderr with exit 1 when not. Other commands'
/// replies are printed as penctl prints them, with exit 0.
/// </summary>
internal static class ReplyVerdict
{
    /// <summary>Whether <paramref name="reply"/> says <paramref name="command"/> worked; null for a command without a verdict.
    /// By the first word: "reload now" is refused for its extra word, and exits 1 as well.</summary>
    public static bool? Worked(string command, string reply) => command.Split(' ')[0] switch
    {
        "alive" => reply.StartsWith("alive:", StringComparison.Ordinal),
        // Only "reload: FILE applied" and "…, servers removed: N ..." are a whole success; "nothing changed", "applied,
        // but N command(s) failed", no -F file, and a server without reload (pen) are not.
        "reload" => LastLine(reply) is { } last && last.StartsWith("reload: ", StringComparison.Ordinal)
            && (last.EndsWith(" applied", StringComparison.Ordinal) || last.Contains(" applied, servers removed: ", StringComparison.Ordinal)),
        _ => null,
    };

    /// <summary>What goes to stderr when a command with a verdict got no reply at all.</summary>
    public static string NoAnswer(string command) => command.Split(' ')[0] is var word && word == "alive"
        ? "not alive: no answer\n" : $"{word}: no answer\n";

    private static string? LastLine(string reply)
    {
        var text = reply.TrimEnd('\n');
        return text.Length == 0 ? null : text[(text.LastIndexOf('\n') + 1)..];
    }
}
