using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary>
/// Applies the penctl commands given with -o / -O to the options, at parse time and in command-line order, as pen
/// does. Only the commands whose effect is an option are handled so far; the control-plane work grows this into the
/// full penctl dispatcher.
/// </summary>
internal static class StartupCommands
{
    private static readonly Dictionary<string, SelectionFlags> Modes = new(StringComparer.Ordinal)
    {
        ["prio"] = SelectionFlags.Prio,
        ["weight"] = SelectionFlags.Weight,
        ["hash"] = SelectionFlags.Hash,
        ["roundrobin"] = SelectionFlags.RoundRobin,
        ["stubborn"] = SelectionFlags.Stubborn,
    };

    private static readonly Dictionary<string, Func<QuillOptions, int, QuillOptions?>> Settings = new(StringComparer.Ordinal)
    {
        ["blacklist"] = (o, n) => o with { BlacklistSeconds = n },
        ["timeout"] = (o, n) => n < 1 ? null : o with { ConnectTimeoutSeconds = n },
        ["tracking"] = (o, n) => o with { TrackingSeconds = n },
        ["clients_max"] = (o, n) => o with { ClientsMax = Math.Max(o.ClientsMax, n) },
        ["conn_max"] = (o, n) => o with { ConnectionsMax = Math.Max(o.ConnectionsMax, n) },
        ["debug"] = (o, n) => o with { DebugLevel = n },
        ["idle_timeout"] = (o, n) => o with { IdleTimeoutSeconds = n },
    };

    /// <summary>On/off commands, with a "no X" form.</summary>
    private static readonly Dictionary<string, Func<QuillOptions, bool, QuillOptions>> Switches = new(StringComparer.Ordinal)
    {
        ["http"] = (o, on) => o with { HttpHeaders = on },
        ["tcp_nodelay"] = (o, on) => o with { TcpNoDelay = on },
        ["keepalive"] = (o, on) => o with { KeepAlive = on },
    };

    /// <summary>Commands with one word argument; without it they change nothing (pen: a query, or "ignoring").</summary>
    private static readonly Dictionary<string, Func<QuillOptions, string, QuillOptions?>> WordSettings = new(StringComparer.Ordinal)
    {
        ["ssl_sni_path"] = (o, word) => o with { Tls = o.Tls with { SniDirectory = word } },
        ["source"] = (o, word) => System.Net.IPAddress.TryParse(word, out var address) ? o with { SourceAddress = address } : null,
        ["tcp_fastclose"] = (o, word) => word switch
        {
            "up" => o with { FastClose = FastClose.Up },
            "down" => o with { FastClose = FastClose.Down },
            "both" => o with { FastClose = FastClose.Both },
            "off" => o with { FastClose = FastClose.Off },
            _ => null,
        },
    };

    /// <param name="applied">The options after the command; the command itself is not added to Commands here.</param>
    /// <param name="reason">Why the command was refused, without the command text, e.g. "command not available yet".</param>
    public static bool TryApply(QuillOptions options, string command, out QuillOptions applied, out string reason)
    {
        applied = options;
        reason = "";
        // pen splits on single spaces (tabs are not separators) and ignores comments and empty lines.
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0].StartsWith('#') || words is ["no"])
        {
            return true;
        }

        if (words[0] == "no")
        {
            return TryApplyNegation(options, words, out applied, out reason);
        }

        if (words[0] == "ascii" || Modes.ContainsKey(words[0]))
        {
            if (!TryRefuseExtraWords(words, 1, out reason))
            {
                return false;
            }

            applied = words[0] == "ascii" ? options with { Ascii = true }
                : options with { Selection = options.Selection | Modes[words[0]] };
            return true;
        }

        if (Switches.TryGetValue(words[0], out var turn))
        {
            if (!TryRefuseExtraWords(words, 1, out reason)) return false;
            applied = turn(options, true);
            return true;
        }

        if (WordSettings.TryGetValue(words[0], out var setWord))
        {
            if (words.Length == 1) return true;
            if (!TryRefuseExtraWords(words, 2, out reason)) return false;
            var result = setWord(options, words[1]);
            reason = result is not null ? ""
                : words[0] == "source" ? $"unable to set source address to '{words[1]}'"
                : $"tcp_fastclose '{words[1]}': expected up, down, both or off";
            applied = result ?? options;
            return result is not null;
        }

        if (Settings.TryGetValue(words[0], out var set))
        {
            return TryApplySetting(options, words, set, out applied, out reason);
        }

        reason = PenctlCommandNames.Commands.Contains(words[0]) ? "command not available yet" : $"unknown command '{words[0]}'";
        return false;
    }

    private static bool TryApplyNegation(QuillOptions options, string[] words, out QuillOptions applied, out string reason)
    {
        applied = options;
        var word = words[1];
        if (Switches.TryGetValue(word, out var turn))
        {
            if (!TryRefuseExtraWords(words, 2, out reason)) return false;
            applied = turn(options, false);
            return true;
        }

        if (word != "ascii" && !Modes.ContainsKey(word))
        {
            reason = PenctlCommandNames.Negatable.Contains(word) ? "command not available yet" : $"unknown command 'no {word}'";
            return false;
        }

        if (!TryRefuseExtraWords(words, 2, out reason))
        {
            return false;
        }

        // -N's "don't save" only qualifies hash selection, so it goes when hash goes.
        var cleared = word == "hash" ? SelectionFlags.Hash | SelectionFlags.NoSave : Modes.GetValueOrDefault(word);
        applied = word == "ascii" ? options with { Ascii = false } : options with { Selection = options.Selection & ~cleared };
        return true;
    }

    private static bool TryApplySetting(
        QuillOptions options, string[] words, Func<QuillOptions, int, QuillOptions?> set, out QuillOptions applied, out string reason)
    {
        applied = options;
        reason = "";
        // Without a value the command is a query, which changes nothing.
        if (words.Length == 1)
        {
            return true;
        }

        if (!TryRefuseExtraWords(words, 2, out reason))
        {
            return false;
        }

        if (!WholeNumber.TryParse(words[1], out var value))
        {
            reason = $"invalid number '{words[1]}'";
            return false;
        }

        var result = set(options, value);
        if (result is null)
        {
            reason = $"{words[0]} must be at least 1";
            return false;
        }

        applied = result;
        return true;
    }

    private static bool TryRefuseExtraWords(string[] words, int expected, out string reason)
    {
        reason = words.Length > expected ? $"unexpected argument '{words[expected]}'" : "";
        return reason.Length == 0;
    }
}
