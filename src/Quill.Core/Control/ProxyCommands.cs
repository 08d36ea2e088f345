using Quill.Core.Proxy;

namespace Quill.Core.Control;

/// <summary>
/// The PROXY protocol: <c>proxy [v1|v2|off]</c> (the header sent to servers without a <c>server N proxy</c> of their
/// own), <c>accept_proxy [ACL|off]</c> (read a header from senders that ACL permits) and
/// <c>accept_proxy_timeout [MS]</c>. Without an argument each replies with its value.
/// </summary>
internal static class ProxyCommands
{
    /// <summary>Below this a sender across a slow link could not deliver 16 bytes; above it a silent one holds a slot too long.</summary>
    private const int MinTimeoutMilliseconds = 100;
    private const int MaxTimeoutMilliseconds = 60_000;

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["proxy"] = (d, w) => Proxy(d.Context.Settings.Proxy, w);
        commands["accept_proxy"] = (d, w) => AcceptProxy(d.Context.Settings.Proxy, w);
        commands["accept_proxy_timeout"] = (d, w) => Timeout(d.Context.Settings.Proxy, w);
    }

    /// <summary>The lines <c>write</c> keeps, only where they differ from the defaults.</summary>
    public static IEnumerable<string> ToCommands(ProxySettings settings)
    {
        if (settings.Default != ProxyVersion.Off) yield return $"proxy {ProxyVersionWords.Word(settings.Default)}";
        if (settings.AcceptAcl != ProxySettings.Off) yield return $"accept_proxy {settings.AcceptAcl}";
        if (settings.TimeoutMilliseconds != ProxySettings.DefaultTimeoutMilliseconds)
            yield return $"accept_proxy_timeout {settings.TimeoutMilliseconds}";
    }

    private static ControlReply Proxy(ProxySettings settings, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 2)
        {
            if (!ProxyVersionWords.TryParse(words[1], out var version))
                return ControlReply.Error($"proxy: expected v1, v2 or off, not '{words[1]}'");
            settings.Default = version;
        }
        return ControlReply.Line(ProxyVersionWords.Word(settings.Default));
    }

    private static ControlReply AcceptProxy(ProxySettings settings, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 2)
        {
            if (words[1] == "off") settings.AcceptAcl = ProxySettings.Off;
            else if (CommandArguments.TryAclNumber(words, 1, out var acl, out var error)) settings.AcceptAcl = acl;
            else return error;
        }
        return settings.AcceptAcl == ProxySettings.Off ? ControlReply.Line("off") : CommandArguments.Number(settings.AcceptAcl);
    }

    private static ControlReply Timeout(ProxySettings settings, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 2)
        {
            if (!CommandArguments.TryWhole(words, 1, out var milliseconds, out var error)) return error;
            if (milliseconds is < MinTimeoutMilliseconds or > MaxTimeoutMilliseconds)
                return ControlReply.Error($"accept_proxy_timeout: {milliseconds} ms out of range {MinTimeoutMilliseconds}-{MaxTimeoutMilliseconds}");
            settings.TimeoutMilliseconds = milliseconds;
        }
        return CommandArguments.Number(settings.TimeoutMilliseconds);
    }
}
