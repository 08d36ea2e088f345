using System.Globalization;
using System.Text;
using Quill.Core.Health;
using Quill.Core.Model;
using Quill.Core.Status;

namespace Quill.Core.Control;

/// <summary>
/// Active health checks, server states and slow start: <c>server N check tcp|http PATH [STATUS]|send STRING expect
/// STRING|off</c>, <c>server N check_interval|check_timeout MS</c>, <c>server N rise|fall N</c>, <c>server N check_tls
/// on|off</c>, <c>server N slowstart SECONDS</c>, <c>server N drain|maint|up</c>; <c>server N SETTING default</c> drops
/// the server's own value so the global default applies again; the same settings without <c>server N</c> as global
/// defaults (without a value they show it); and <c>health</c>, one line per server.
/// Registered after <see cref="ServerCommands"/>: <c>server N</c> lines with these words come here, the rest go on there.
/// </summary>
internal static class HealthCommands
{
    /// <summary>In place of a server's value: follow the global default (<c>server N rise default</c>).</summary>
    public const string DefaultWord = "default";

    private static readonly string[] SettingWords = ["check", "check_interval", "check_timeout", "rise", "fall", "check_tls", "slowstart"];
    private static readonly Dictionary<string, AdminState> AdminWords = new(StringComparer.Ordinal)
    {
        ["drain"] = AdminState.Draining,
        ["maint"] = AdminState.Maintenance,
        ["up"] = AdminState.Normal,
    };

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        var serverSettings = commands["server"];
        commands["server"] = (d, w) => w.Length >= 3 && (SettingWords.Contains(w[2]) || AdminWords.ContainsKey(w[2]))
            ? Server(d.Context, w)
            : serverSettings(d, w);
        foreach (var word in SettingWords)
        {
            commands[word] = (d, w) => Global(d.Context, w);
        }

        commands["health"] = (d, w) => CommandArguments.Extra(w, 1) ?? List(d.Context);
    }

    /// <summary>The commands <c>write</c> saves: every server's own values and state, then the defaults that differ.</summary>
    public static IEnumerable<string> ToCommands(ControlContext context)
    {
        var servers = context.Servers.Regular;
        for (var i = 0; i < servers.Count; i++)
        {
            // Most servers have nothing of their own; a table grown to 65,536 slots is looked over in no time.
            if (servers[i].HealthSettings.IsEmpty && servers[i].Health.Admin == AdminState.Normal) continue;
            foreach (var line in SettingLines(servers[i].HealthSettings))
                yield return string.Create(CultureInfo.InvariantCulture, $"server {i} {line}");
            var admin = servers[i].Health.Admin;
            if (admin != AdminState.Normal)
                yield return string.Create(CultureInfo.InvariantCulture, $"server {i} {AdminWords.First(w => w.Value == admin).Key}");
        }

        var defaults = HealthSettings.Defaults();
        var global = context.Selection.Health;
        foreach (var line in SettingLines(global).Except(SettingLines(defaults)))
            yield return line;
    }

    private static IEnumerable<string> SettingLines(HealthSettings settings)
    {
        if (settings.Check is { } check) yield return $"check {check}";
        if (settings.IntervalMs is { } interval) yield return Invariant($"check_interval {interval}");
        if (settings.TimeoutMs is { } timeout) yield return Invariant($"check_timeout {timeout}");
        if (settings.Rise is { } rise) yield return Invariant($"rise {rise}");
        if (settings.Fall is { } fall) yield return Invariant($"fall {fall}");
        if (settings.Tls is { } tls) yield return tls ? "check_tls on" : "check_tls off";
        if (settings.SlowStartSeconds is { } slowStart) yield return Invariant($"slowstart {slowStart}");
    }

    private static ControlReply Server(ControlContext context, string[] words)
    {
        if (!CommandArguments.TryWhole(words, 1, out var index, out var error)) return error;
        var servers = context.Servers.Regular;
        if (index >= servers.Count)
            return ControlReply.Error(servers.Count == 0
                ? $"server {index} {words[2]}: server number {index} out of range (no servers)"
                : $"server {index} {words[2]}: server number {index} out of range 0-{servers.Count - 1}");

        if (AdminWords.TryGetValue(words[2], out var admin))
        {
            if (words.Length > 3) return ControlReply.Error($"server {index} {words[2]}: unexpected argument '{words[3]}'");
            context.Selector.SetAdmin(index, admin);
            return ControlReply.None;
        }

        var name = $"server {index} {words[2]}";
        if (words.Length == 3) return ControlReply.Error($"{name}: missing value");
        if (words[3] == DefaultWord)
        {
            if (words.Length > 4) return ControlReply.Error($"{name}: unexpected argument '{words[4]}'");
            FollowDefault(servers[index].HealthSettings, words[2]);
            context.Selection.NotifyHealthChanged();
            return ControlReply.None;
        }

        return Apply(context, servers[index].HealthSettings, name, words[2], words.AsSpan(3)) is { } refusal
            ? ControlReply.Error(refusal)
            : ControlReply.None;
    }

    /// <summary>Drops a server's own value of <paramref name="word"/>: the global default applies again, and <c>write</c>
    /// no longer names it.</summary>
    private static void FollowDefault(HealthSettings own, string word)
    {
        switch (word)
        {
            case "check": own.Check = null; break;
            case "check_interval": own.IntervalMs = null; break;
            case "check_timeout": own.TimeoutMs = null; break;
            case "rise": own.Rise = null; break;
            case "fall": own.Fall = null; break;
            case "check_tls": own.Tls = null; break;
            default: own.SlowStartSeconds = null; break;
        }
    }

    private static ControlReply Global(ControlContext context, string[] words)
    {
        var settings = context.Selection.Health;
        if (words.Length == 1) return ControlReply.Line(Shown(settings, words[0]));
        return Apply(context, settings, words[0], words[0], words.AsSpan(1)) is { } refusal
            ? ControlReply.Error(refusal)
            : ControlReply.None;
    }

    private static string Shown(HealthSettings settings, string word) => word switch
    {
        "check" => settings.Check?.ToString() ?? "off",
        "check_interval" => Invariant($"{settings.IntervalMs}"),
        "check_timeout" => Invariant($"{settings.TimeoutMs}"),
        "rise" => Invariant($"{settings.Rise}"),
        "fall" => Invariant($"{settings.Fall}"),
        "check_tls" => settings.Tls == true ? "on" : "off",
        _ => Invariant($"{settings.SlowStartSeconds}"),
    };

    /// <summary>Checks the value and only then sets it; null when set, else the one-line refusal.</summary>
    private static string? Apply(ControlContext context, HealthSettings target, string name, string word, ReadOnlySpan<string> values)
    {
        if (word == "check")
        {
            if (HealthCheck.Parse(values, out var reason) is not { } check) return $"{name}: {reason}";
            target.Check = check;
            context.Selection.NotifyHealthChanged();
            return null;
        }

        if (values.Length > 1) return $"{name}: unexpected argument '{values[1]}'";
        var text = values[0];
        if (word == "check_tls")
        {
            if (text is not ("on" or "off")) return $"{name}: expected on or off, not '{text}'";
            target.Tls = text == "on";
            return null;
        }

        if (!Configuration.WholeNumber.TryParse(text, out var value)) return $"{name}: invalid number '{text}'";
        var (min, max) = word switch
        {
            "check_interval" => (HealthSettings.MinIntervalMs, HealthSettings.MaxMs),
            "check_timeout" => (1, HealthSettings.MaxMs),
            "rise" or "fall" => (1, HealthSettings.MaxCount),
            _ => (0, HealthSettings.MaxSlowStartSeconds),
        };
        if (value < min || value > max) return Invariant($"{name}: {value} out of range {min}-{max}");
        switch (word)
        {
            case "check_interval": target.IntervalMs = value; break;
            case "check_timeout": target.TimeoutMs = value; break;
            case "rise": target.Rise = value; break;
            case "fall": target.Fall = value; break;
            default: target.SlowStartSeconds = value; break;
        }

        context.Selection.NotifyHealthChanged();
        return null;
    }

    /// <summary><c>N addr A port P state S check C last T</c>: T is the unix time (seconds) the last check ended, 0 for none.</summary>
    private static ControlReply List(ControlContext context)
    {
        var text = new StringBuilder();
        var servers = context.Servers.Regular;
        for (var i = 0; i < servers.Count; i++)
        {
            var s = servers[i];
            var last = s.Health.LastCheckAt?.ToUnixTimeSeconds() ?? 0;
            text.Append(CultureInfo.InvariantCulture,
                $"{i} addr {ServerCommands.AddressText(s.EndPoint)} port {s.Port} state {ServerCondition.Word(s, context.Selector.Availability(i))} check {s.Health.LastResult} last {last}\n");
        }

        return new ControlReply(text.ToString(), false);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
