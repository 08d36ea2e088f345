namespace Quill.Core.Control;

/// <summary>
/// pen's control interpreter: one command line in, the exact reply out. Shared by the control port (-C), -o/-O,
/// the configuration file (-F), include and the SIGHUP reload. Commands run one at a time; a refused command
/// replies with one error line and changes nothing. By hand for pen compatibility: the language and its byte-exact
/// replies are pen's.
/// </summary>
public sealed class PenctlDispatcher
{
    private readonly Dictionary<string, CommandHandler> _commands = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public PenctlDispatcher(ControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        ModeCommands.Register(_commands);
        SettingCommands.Register(_commands);
        AclCommands.Register(_commands);
        ServerCommands.Register(_commands);
        HealthCommands.Register(_commands);
        ClientCommands.Register(_commands);
        ConnectionCommands.Register(_commands);
        ProcessCommands.Register(_commands);
        FileCommands.Register(_commands);
        ReportingCommands.Register(_commands);
        DebugOutputCommands.Register(_commands);
        ProtocolCommands.Register(_commands);
        TlsCommands.Register(_commands);
        GeoIpCommands.Register(_commands);
        ProxyCommands.Register(_commands);
        ControlModeCommands.Register(_commands);
        ReloadCommands.Register(_commands);
        UnavailableCommands.Register(_commands);
        WebCommands.Register(_commands);
        JsonCommands.Register(_commands);
        PeerCommands.Register(_commands);
        AliveCommands.Register(_commands);
    }

    public ControlContext Context { get; }

    /// <summary>The -F file, which <c>write</c> without a file name writes and SIGHUP re-reads; null without -F.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Runs <c>reload</c> and HUP; null where there is nothing to reload (a check, tests).</summary>
    public ConfigReloader? Reloader { get; init; }

    /// <summary>A check's scratch dispatcher (<c>quill --check</c>, the reload's check): <c>write</c> writes nothing.</summary>
    public bool Checking { get; init; }

    /// <summary>How deep include may nest, so a chain of files that include each other ends.</summary>
    internal int IncludeDepth { get; set; }

    /// <summary>The files being read now (full paths), so that one including itself, even twice, is refused at once.</summary>
    internal HashSet<string> FilesBeingRead { get; } = new(StringComparer.Ordinal);

    /// <summary>Held by a command, and by a whole file of commands, so a reload and the control port never interleave.</summary>
    internal Lock Gate => _gate;

    /// <summary>What <c>write</c> would write now: the runtime state a takeover hands to the next process.</summary>
    public string RunningConfiguration()
    {
        lock (_gate) return ConfigWriter.Write(Context, ConfigFile ?? "");
    }

    /// <summary>Runs one command line: text after the first CR, LF or NUL is ignored (pen reads a command as a C
    /// string, and no file name can hold a NUL), words are split on spaces.</summary>
    public ControlReply Execute(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var end = line.AsSpan().IndexOfAny('\r', '\n', '\0');
        if (end >= 0)
        {
            line = line[..end];
        }

        // pen splits on single spaces only: a tab is part of a word.
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0].StartsWith('#') || words is ["no"])
        {
            return ControlReply.None;
        }

        var key = words[0] == "no" ? $"no {words[1]}" : words[0];
        if (!_commands.TryGetValue(key, out var handler))
        {
            return ControlReply.Error($"do_cmd: ignoring command starting with '{key}'");
        }

        Context.Counters.ControlCommandRun();
        // Include re-enters on the same thread, which the lock allows; other callers (HUP, -C) wait their turn.
        lock (_gate)
        {
            return handler(this, words);
        }
    }
}
