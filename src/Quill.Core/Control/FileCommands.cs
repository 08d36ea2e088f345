namespace Quill.Core.Control;

/// <summary><c>include FILE</c> and <c>write [FILE]</c>.</summary>
internal static class FileCommands
{
    private const int MaxIncludeDepth = 16;

    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["include"] = Include;
        commands["write"] = Write;
    }

    /// <summary>The replies of the included commands come back as this command's reply, refusals with their line.</summary>
    private static ControlReply Include(PenctlDispatcher dispatcher, string[] words)
    {
        if (words.Length < 2)
        {
            return ControlReply.Error("include: missing file name");
        }

        if (CommandArguments.Extra(words, 2) is { } extra)
        {
            return extra;
        }

        // Refused at once rather than at the depth limit: a file that includes itself twice would double the work at
        // every level, 2^16 readings of it before the limit stops the last ones.
        if (dispatcher.FilesBeingRead.Contains(Path.GetFullPath(words[1])))
        {
            return ControlReply.Error($"include: '{words[1]}' is being read already (does a file include itself?)");
        }

        if (dispatcher.IncludeDepth >= MaxIncludeDepth)
        {
            return ControlReply.Error($"include: '{words[1]}' nested more than {MaxIncludeDepth} deep (do files include each other?)");
        }

        dispatcher.IncludeDepth++;
        try
        {
            var outcome = ConfigFileReader.Run(dispatcher, words[1]);
            var errors = string.Concat(outcome.Errors.Select(e => e + "\n"));
            return new ControlReply(outcome.Replies + errors, outcome.Errors.Count > 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ControlReply.Error($"include: cannot read '{words[1]}': {e.Message}");
        }
        finally
        {
            dispatcher.IncludeDepth--;
        }
    }

    private static ControlReply Write(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra)
        {
            return extra;
        }

        var path = words.Length == 2 ? words[1] : dispatcher.ConfigFile;
        if (path is null)
        {
            return ControlReply.Error("write: no file given, and there is no -F configuration file to write to");
        }

        try
        {
            var text = ConfigWriter.Write(dispatcher.Context, path);
            if (!dispatcher.Checking) File.WriteAllText(path, text);
            return ControlReply.None;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ControlReply.Error($"write: cannot write '{path}': {e.Message}");
        }
    }
}
