namespace Quill.Core.Control;

/// <summary>
/// pen commands whose feature quill does not have yet. Each replies with one clear line and changes nothing. The
/// "off" forms that only confirm quill's current state (<c>no peek</c>...) are accepted,
/// so a file written by <c>write</c> or by pen reads back.
/// </summary>
internal static class UnavailableCommands
{
    private static readonly Dictionary<string, string> Features = new(StringComparer.Ordinal)
    {
        ["abort_on_error"] = "abort on error",
        ["dsr_if"] = "direct server return",
        ["dsr_ip"] = "direct server return",
        ["peek"] = "peek",
        ["pending_max"] = "pending connect limit",
        ["tarpit_acl"] = "tarpit",
    };

    /// <summary>The "no X" forms: the feature is off in quill, so turning it off is already true.</summary>
    private static readonly string[] AlreadyOff =
        ["abort_on_error", "peek"];

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        foreach (var (word, feature) in Features)
        {
            commands[word] = (_, w) => Refuse(w, feature);
        }

        foreach (var word in AlreadyOff)
        {
            commands["no " + word] = (_, w) => CommandArguments.Extra(w, 2) ?? ControlReply.None;
        }
    }

    private static ControlReply Refuse(string[] words, string feature) =>
        ControlReply.Error($"{words[0]}: {feature} is not available yet in quill");
}
