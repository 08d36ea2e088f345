namespace Quill.Core.Control;

/// <summary>
/// The atomic reload (HUP and <c>reload</c>): the -o commands and the whole -F file run first on a scratch dispatcher
/// over a fresh state built as a start builds it, opening nothing; a file with any refused line changes nothing. A
/// file that passes then runs on the live dispatcher in one step, under the control gate and the selector's lock, so
/// no new client and no control command sees half of it; and the servers and peers it no longer names are removed.
/// </summary>
/// <param name="startupCommands">The -o commands, which a start runs before the file.</param>
/// <param name="scratch">Makes a dispatcher over a fresh state as a start has it before -o and -F (nothing opened).</param>
/// <param name="report">Told of every reload, good or bad (the log).</param>
public sealed class ConfigReloader(IReadOnlyList<string> startupCommands, Func<PenctlDispatcher> scratch, Action<ReloadRecord> report)
{
    private volatile ReloadRecord? _last;

    /// <summary>The last reload, or null before the first: its time, result, error count and first error.</summary>
    public ReloadRecord? LastReload => _last;

    /// <exception cref="InvalidOperationException">The live dispatcher has no -F file.</exception>
    public ReloadRecord Reload(PenctlDispatcher live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var file = live.ConfigFile ?? throw new InvalidOperationException("reload without a -F file");
        ReloadRecord record;
        try
        {
            var check = scratch();
            var checkedFile = ConfigCheck.Run(check, startupCommands, file);
            record = checkedFile.Succeeded
                ? Apply(live, file, check.Context)
                : new ReloadRecord(live.Context.Time.GetUtcNow(), file, checkedFile.Errors, Applied: false, Removed: []);
        }
        catch (ArgumentException e)
        {
            // The command line's own servers no longer resolve: a start would fail the same way.
            record = new ReloadRecord(live.Context.Time.GetUtcNow(), file, [$"command line: {e.Message}"], Applied: false, Removed: []);
        }

        _last = record;
        live.Context.Counters.ConfigReload(record.Applied && record.Errors.Count == 0 ? "success" : "failure");
        report(record);
        return record;
    }

    /// <summary>A server is in the file (or on the command line) when the checked start left its slot used; a peer,
    /// when the checked start named it.</summary>
    private static ReloadRecord Apply(PenctlDispatcher live, string file, ControlContext checkedStart)
    {
        // Gate first, then the selector's lock: the order every control command takes them in. A file that moves
        // the listener is the exception: closing the old listener waits for the event loops, which take the
        // selector's lock for each client they accept, so it runs under the gate alone.
        var movesListener = checkedStart.Runtime.ListenText is { } wanted && wanted != live.Context.Runtime.ListenText;
        var selection = live.Context.Clients.Gate;
        lock (live.Gate)
        {
            if (!movesListener) selection.Enter();
            try
            {
                IReadOnlyList<string> errors;
                try
                {
                    errors = ConfigFileReader.Run(live, file).Errors;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone between the check and now: nothing of it ran.
                    return new ReloadRecord(live.Context.Time.GetUtcNow(), file, [$"-F {file}: {e.Message}"], Applied: false, Removed: []);
                }

                var removed = live.Context.Selector.RemoveAllBut(i => checkedStart.Servers[i] is { IsUsed: true });
                if (live.Context.Settings.Peers.KeepOnly(checkedStart.Settings.Peers.Peers)) live.Context.Runtime.PeersChanged();
                return new ReloadRecord(live.Context.Time.GetUtcNow(), file, errors, Applied: true, removed);
            }
            finally
            {
                if (!movesListener) selection.Exit();
            }
        }
    }
}
