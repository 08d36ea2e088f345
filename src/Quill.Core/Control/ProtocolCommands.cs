using System.Globalization;
using System.Net;
using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary>
/// How new connections are handled: dummy, idlers, transparent, http, idle_timeout, tcp_nodelay, keepalive, source, tcp_fastclose and
/// ssl_sni_path, with pen's replies. They change the runtime settings, which each new connection reads.
/// </summary>
internal static class ProtocolCommands
{
    private static readonly Dictionary<string, Action<RuntimeSettings, bool>> Switches = new(StringComparer.Ordinal)
    {
        ["http"] = (s, on) => s.HttpHeaders = on,
        ["tcp_nodelay"] = (s, on) => s.TcpNoDelay = on,
        ["keepalive"] = (s, on) => s.KeepAlive = on,
        ["dummy"] = (s, on) => s.Dummy = on,
        ["transparent"] = (s, on) => s.Transparent = on,
    };

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        foreach (var (word, turn) in Switches)
        {
            commands[word] = (d, w) => Switch(d.Context.Settings, w, 1, on: true, turn);
            commands["no " + word] = (d, w) => Switch(d.Context.Settings, w, 2, on: false, turn);
        }

        commands["idlers"] = (d, w) => Idlers(d.Context, w);
        commands["idle_timeout"] = (d, w) => IdleTimeout(d.Context.Settings, w);
        commands["source"] = (d, w) => Source(d.Context.Settings, w);
        commands["tcp_fastclose"] = (d, w) => FastCloseCommand(d.Context.Settings, w);
        commands["ssl_sni_path"] = (d, w) =>
        {
            if (CommandArguments.Extra(w, 2) is { } extra) return extra;
            d.Context.Settings.SniDirectory = w.Length == 2 ? d.Context.Settings.PathReadLater(w[1]) : null;
            return ControlReply.None;
        };
    }

    private static ControlReply Switch(RuntimeSettings settings, string[] words, int length, bool on, Action<RuntimeSettings, bool> turn)
    {
        if (CommandArguments.Extra(words, length) is { } extra) return extra;
        turn(settings, on);
        return ControlReply.None;
    }

    /// <summary>pen crashes on <c>idlers N</c> (its issue #51); quill sets the number quietly, and <c>idlers</c>
    /// alone reports pen's "Idlers: ready/wanted".</summary>
    private static ControlReply Idlers(ControlContext context, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 1)
            return ControlReply.Line(string.Create(CultureInfo.InvariantCulture,
                $"Idlers: {context.Runtime.IdlersReady}/{context.Settings.IdlersWanted}"));
        if (!CommandArguments.TryWhole(words, 1, out var wanted, out var error)) return error;
        context.Settings.IdlersWanted = wanted;
        context.Runtime.WakeIdlers();
        return ControlReply.None;
    }

    /// <summary>pen replies "Idle timeout: N seconds" whether or not a value was given.</summary>
    private static ControlReply IdleTimeout(RuntimeSettings settings, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 2)
        {
            if (!CommandArguments.TryWhole(words, 1, out var seconds, out var error)) return error;
            settings.IdleTimeoutSeconds = seconds;
        }
        return ControlReply.Line(string.Create(CultureInfo.InvariantCulture, $"Idle timeout: {settings.IdleTimeoutSeconds} seconds"));
    }

    /// <summary>pen crashes without an argument; quill refuses it like any missing argument. A bad address gets pen's
    /// reply with the newline pen forgot, and, as every refused command, changes nothing.</summary>
    private static ControlReply Source(RuntimeSettings settings, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 1) return ControlReply.Error("source: missing address");
        if (IPAddress.TryParse(words[1], out var address))
        {
            settings.SourceAddress = address;
            return ControlReply.None;
        }
        return ControlReply.Error($"unable to set source address to '{words[1]}'");
    }

    private static ControlReply FastCloseCommand(RuntimeSettings settings, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        if (words.Length == 1) return ControlReply.Error("do_cmd: ignoring tcp_fastclose without argument");
        FastClose? mode = words[1] switch
        {
            "up" => FastClose.Up,
            "down" => FastClose.Down,
            "both" => FastClose.Both,
            "off" => FastClose.Off,
            _ => null,
        };
        if (mode is not { } chosen) return ControlReply.Error($"tcp_fastclose: expected up, down, both or off, not '{words[1]}'");
        settings.FastClose = chosen;
        return ControlReply.None;
    }
}
