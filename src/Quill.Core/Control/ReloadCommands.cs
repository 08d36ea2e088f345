namespace Quill.Core.Control;

/// <summary><c>reload</c>: the HUP reload on the control port, replying with its result.</summary>
internal static class ReloadCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands) => commands["reload"] = Reload;

    private static ControlReply Reload(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 1) is { } extra)
        {
            return extra;
        }

        if (dispatcher.FilesBeingRead.Count > 0)
        {
            return ControlReply.Error("reload: not inside a configuration file (it would read the file again from within)");
        }

        if (dispatcher.Reloader is not { } reloader || dispatcher.ConfigFile is null)
        {
            return ControlReply.Error("reload: there is no -F configuration file to reload");
        }

        var record = reloader.Reload(dispatcher);
        return new ControlReply(record.Text, !record.Succeeded);
    }
}
