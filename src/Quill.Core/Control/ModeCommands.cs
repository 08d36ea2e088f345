using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary>The selection modes: hash, roundrobin, stubborn, weight, prio, their "no" forms, and <c>mode</c>.</summary>
internal static class ModeCommands
{
    /// <summary>In the order <c>mode</c> prints them.</summary>
    internal static readonly (string Word, SelectionFlags Flag)[] Modes =
    [
        ("hash", SelectionFlags.Hash),
        ("roundrobin", SelectionFlags.RoundRobin),
        ("stubborn", SelectionFlags.Stubborn),
        ("weight", SelectionFlags.Weight),
        ("prio", SelectionFlags.Prio),
    ];

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        foreach (var (word, flag) in Modes)
        {
            commands[word] = (d, w) => Set(d, w, flag, on: true);
            // -N's "don't save" only qualifies hash selection, so it goes when hash goes.
            var cleared = flag == SelectionFlags.Hash ? flag | SelectionFlags.NoSave : flag;
            commands["no " + word] = (d, w) => Set(d, w, cleared, on: false);
        }

        commands["mode"] = Mode;
    }

    /// <summary>pen's <c>%shash %sroundrobin %sstubborn %sweight %sprio</c>, each prefixed "no " when off.</summary>
    public static string Describe(SelectionFlags flags) =>
        string.Join(' ', Modes.Select(m => ((flags & m.Flag) != 0 ? "" : "no ") + m.Word));

    private static ControlReply Set(PenctlDispatcher dispatcher, string[] words, SelectionFlags flag, bool on)
    {
        if (CommandArguments.Extra(words, on ? 1 : 2) is { } extra)
        {
            return extra;
        }

        var selection = dispatcher.Context.Selection;
        selection.Flags = on ? selection.Flags | flag : selection.Flags & ~flag;
        return ControlReply.None;
    }

    private static ControlReply Mode(PenctlDispatcher dispatcher, string[] words) =>
        CommandArguments.Extra(words, 1) ?? ControlReply.Line(Describe(dispatcher.Context.Selection.Flags));
}
