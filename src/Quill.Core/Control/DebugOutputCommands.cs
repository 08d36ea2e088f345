using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary><c>syslog_facility [NAME]</c> and <c>stderr_format [pen|short|timed]</c>: where the debug output's level shows.</summary>
internal static class DebugOutputCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["syslog_facility"] = Facility;
        commands["stderr_format"] = Format;
    }

    private static ControlReply Facility(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var runtime = dispatcher.Context.Runtime;
        if (words.Length == 2)
        {
            if (!SyslogFacility.TryParse(words[1], out var code))
                return ControlReply.Error($"syslog_facility: '{words[1]}' is not a facility (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, cron2, local0-local7)");
            runtime.SyslogFacility = code;
        }
        return ControlReply.Line(SyslogFacility.NameOf(runtime.SyslogFacility));
    }

    private static ControlReply Format(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var runtime = dispatcher.Context.Runtime;
        if (words.Length == 2)
        {
            if (!StderrFormats.TryParse(words[1], out var format))
                return ControlReply.Error($"stderr_format: '{words[1]}' is not pen, short or timed");
            runtime.StderrFormatChoice = format;
        }
        return ControlReply.Line(StderrFormats.Word(runtime.StderrFormat));
    }
}
