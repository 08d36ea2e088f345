using System.Globalization;
using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary><c>pid</c>, <c>exit</c>, <c>listen [ADDR]</c> and <c>control</c>.</summary>
internal static class ProcessCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["pid"] = (d, w) => CommandArguments.Extra(w, 1) ?? CommandArguments.Number(d.Context.Runtime.ProcessId);
        commands["exit"] = Exit;
        commands["listen"] = Listen;
        commands["control"] = (d, w) => CommandArguments.Extra(w, 1)
            ?? (d.Context.Settings.Startup.Control is { } control ? ControlReply.Line(control.Text) : ControlReply.None);
    }

    private static ControlReply Exit(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 1) is { } extra)
        {
            return extra;
        }

        if (!dispatcher.Context.Settings.Startup.ExitEnabled)
        {
            return ControlReply.Error("Exit is not enabled; restart with -X flag");
        }

        dispatcher.Context.Runtime.RequestExit();
        return ControlReply.None;
    }

    private static ControlReply Listen(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra)
        {
            return extra;
        }

        var runtime = dispatcher.Context.Runtime;
        if (words.Length == 2)
        {
            if (!ListenSpecParser.TryParse(words[1], dispatcher.Context.Services, out var spec, out var error))
            {
                return ControlReply.Error($"listen: {error}");
            }

            if (runtime.TryListen(spec!) is { } reason)
            {
                return ControlReply.Error(string.Create(CultureInfo.InvariantCulture, $"listen: {reason}"));
            }
        }

        return runtime.ListenText is { } text ? ControlReply.Line(text) : ControlReply.None;
    }
}
