using System.Runtime.InteropServices;
using Quill.Hosting;
using Quill.Interop;

namespace Quill.Operations;

/// <summary>
/// HUP and USR1: each runs its list of actions in the order they were added (HUP: reopen the access log, then
/// reload -F; USR1: statistics), one failing action not stopping the others. The actions run on a thread of their
/// own, never inside the signal handler and never on the thread pool: the runtime already hands HUP and USR1 to a
/// pool thread, and a reload queued behind a busy pool (or holding a pool thread for a whole file) waits on, and
/// adds to, that load. The handler only notes the signal; signals that arrive
/// while their actions run are run once more afterwards (a second reload reads the newest file anyway).
/// </summary>
internal sealed class OperatorSignals : IDisposable
{
    private readonly List<Action> _hangUp = [];
    private readonly List<Action> _user1 = [];
    private readonly Action<string> _report;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly PosixSignalRegistration[] _registrations;
    private int _hangUpPending;
    private int _user1Pending;
    private volatile bool _stopping;

    /// <param name="report">Receives a one-line description of an action that failed.</param>
    public OperatorSignals(Action<string> report)
    {
        _report = report;
        new Thread(RunPending) { IsBackground = true, Name = "quill signal actions" }.Start();
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => Note(context, ref _hangUpPending)),
            PosixSignalRegistration.Create((PosixSignal)Libc.SigUsr1, context => Note(context, ref _user1Pending)),
        ];
    }

    /// <summary>Adds an action to HUP (access log reopen, configuration reload).</summary>
    public void OnHangUp(Action action)
    {
        lock (_hangUp) _hangUp.Add(action);
    }

    /// <summary>Adds an action to USR1 (statistics).</summary>
    public void OnUser1(Action action)
    {
        lock (_user1) _user1.Add(action);
    }

    private void Note(PosixSignalContext context, ref int pending)
    {
        // The default for HUP would terminate the process.
        context.Cancel = true;
        if (Interlocked.Exchange(ref pending, 1) == 0) _wake.Release();
    }

    private void RunPending()
    {
        while (true)
        {
            _wake.Wait();
            if (_stopping) return;
            if (Interlocked.Exchange(ref _hangUpPending, 0) == 1)
            {
                // A HUP's actions are a reload for systemd: RELOADING=1 before, READY=1 after.
                SystemdNotify.Reloading();
                RunAll(_hangUp);
                SystemdNotify.Reloaded();
            }
            if (Interlocked.Exchange(ref _user1Pending, 0) == 1) RunAll(_user1);
        }
    }

    private void RunAll(List<Action> actions)
    {
        Action[] snapshot;
        lock (actions) snapshot = [.. actions];
        foreach (var action in snapshot)
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                _report($"signal action failed: {e.Message}");
            }
        }
    }

    /// <summary>Stops taking signals; an action running now finishes on its own (the thread does not hold the process).</summary>
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stopping = true;
        _wake.Release();
    }
}
