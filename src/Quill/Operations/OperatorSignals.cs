using System.Runtime.InteropServices;
using Quill.Hosting;
using Quill.Interop;

namespace Quill.Operations;

/// <summary>
/// HUP and USR1: each runs its list of actions in the order they were added (HUP: reopen the access log, then
/// re-read -F; USR1: statistics). Actions run on the thread pool, never inside the signal handler, and one
/// failing action does not stop the others. A HUP's actions are a reload for systemd: RELOADING=1 before, READY=1 after.
/// </summary>
internal sealed class OperatorSignals : IDisposable
{
    private readonly List<Action> _hangUp = [];
    private readonly List<Action> _user1 = [];
    private readonly Action<string> _report;
    private readonly PosixSignalRegistration[] _registrations;

    /// <param name="report">Receives a one-line description of an action that failed.</param>
    public OperatorSignals(Action<string> report)
    {
        _report = report;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => Run(context, _hangUp, SystemdNotify.Reloading, SystemdNotify.Reloaded)),
            PosixSignalRegistration.Create((PosixSignal)Libc.SigUsr1, context => Run(context, _user1, null, null)),
        ];
    }

    /// <summary>Adds an action to HUP (access log reopen, configuration re-read).</summary>
    public void OnHangUp(Action action)
    {
        lock (_hangUp) _hangUp.Add(action);
    }

    /// <summary>Adds an action to USR1 (statistics).</summary>
    public void OnUser1(Action action)
    {
        lock (_user1) _user1.Add(action);
    }

    private void Run(PosixSignalContext context, List<Action> actions, Action? before, Action? after)
    {
        // The default for HUP would terminate the process.
        context.Cancel = true;
        Action[] snapshot;
        lock (actions) snapshot = [.. actions];
        _ = Task.Run(() =>
        {
            before?.Invoke();
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
            after?.Invoke();
        });
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }
}
