namespace Quill.Core.Control;

/// <summary>
/// Numeric settings that read back their value: blacklist, timeout, tracking, clients_max, conn_max, debug,
/// client_acl, control_acl, web_acl; plus ascii and the event back-end words.
/// </summary>
internal static class SettingCommands
{
    /// <summary>How a setting is read and changed; the setter returns an error message or null.</summary>
    private sealed record Setting(Func<ControlContext, long> Get, Func<ControlContext, int, string?> Set, bool IsAcl = false);

    private static readonly Dictionary<string, Setting> Settings = new(StringComparer.Ordinal)
    {
        ["blacklist"] = new(c => c.Selection.BlacklistSeconds, (c, n) => { c.Selection.BlacklistSeconds = n; return null; }),
        ["timeout"] = new(c => c.Settings.ConnectTimeoutSeconds, SetTimeout),
        ["tracking"] = new(c => c.Clients.TrackingSeconds, (c, n) => { c.Clients.TrackingSeconds = n; return null; }),
        // Both tables only grow, as in pen: a smaller value is ignored and the reply shows the size kept.
        ["clients_max"] = new(c => c.Clients.Capacity, (c, n) => { c.Clients.Grow(n); return null; }),
        ["conn_max"] = new(c => c.Runtime.ConnectionsMax, (c, n) => { c.Runtime.GrowConnections(n); return null; }),
        ["debug"] = new(c => c.Runtime.DebugLevel, (c, n) => { c.Runtime.DebugLevel = n; return null; }),
        ["client_acl"] = new(c => c.Settings.ClientAcl, (c, n) => { c.Settings.ClientAcl = n; return null; }, IsAcl: true),
        ["control_acl"] = new(c => c.Settings.ControlAcl, (c, n) => { c.Settings.ControlAcl = n; return null; }, IsAcl: true),
        ["web_acl"] = new(c => c.Settings.WebAcl, (c, n) => { c.Settings.WebAcl = n; return null; }, IsAcl: true),
    };

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        foreach (var (word, setting) in Settings)
        {
            commands[word] = (d, w) => Run(d.Context, w, setting);
        }

        commands["ascii"] = (d, w) => SetAscii(d.Context, w, on: true);
        commands["no ascii"] = (d, w) => SetAscii(d.Context, w, on: false);
        // pen chooses its event back-end before its loop starts, so these never changed a running pen; quill
        // uses the runtime's socket engine, so they are accepted and change nothing.
        foreach (var backEnd in new[] { "epoll", "poll", "select", "kqueue" })
        {
            commands[backEnd] = (_, w) => CommandArguments.Extra(w, 1) ?? ControlReply.None;
        }
    }

    private static ControlReply Run(ControlContext context, string[] words, Setting setting)
    {
        if (CommandArguments.Extra(words, 2) is { } extra)
        {
            return extra;
        }

        if (words.Length == 2)
        {
            int value;
            ControlReply error;
            var parsed = setting.IsAcl
                ? CommandArguments.TryAclNumber(words, 1, out value, out error)
                : CommandArguments.TryWhole(words, 1, out value, out error);
            if (!parsed)
            {
                return error;
            }

            if (setting.Set(context, value) is { } refusal)
            {
                return ControlReply.Error($"{words[0]}: {refusal}");
            }
        }

        return CommandArguments.Number(setting.Get(context));
    }

    private static string? SetTimeout(ControlContext context, int seconds)
    {
        if (seconds < 1)
        {
            return "connect timeout must be at least 1 second";
        }

        // Timers take at most about 49 days; a day is more than any connect needs.
        if (seconds > Configuration.QuillOptions.MaxConnectTimeoutSeconds)
        {
            return $"connect timeout must be at most {Configuration.QuillOptions.MaxConnectTimeoutSeconds} seconds";
        }

        context.Settings.ConnectTimeoutSeconds = seconds;
        return null;
    }

    private static ControlReply SetAscii(ControlContext context, string[] words, bool on)
    {
        if (CommandArguments.Extra(words, on ? 1 : 2) is { } extra)
        {
            return extra;
        }

        context.Settings.Ascii = on;
        return ControlReply.None;
    }
}
