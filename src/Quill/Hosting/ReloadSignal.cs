using System.Runtime.InteropServices;

namespace Quill.Hosting;

/// <summary>SIGHUP re-reads the -F file, off the signal thread and one reload at a time.</summary>
internal sealed class ReloadSignal : IDisposable
{
    private readonly PosixSignalRegistration _registration;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public ReloadSignal(Action reload)
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // Keep the runtime's default (terminate) away: HUP means reload.
            context.Cancel = true;
            _ = Task.Run(async () =>
            {
                await _oneAtATime.WaitAsync().ConfigureAwait(false);
                try { reload(); }
                finally { _oneAtATime.Release(); }
            });
        });
    }

    // The semaphore is left undisposed: a reload still running releases it after this.
    public void Dispose() => _registration.Dispose();
}
