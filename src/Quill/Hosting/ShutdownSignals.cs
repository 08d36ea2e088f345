using System.Runtime.InteropServices;

namespace Quill.Hosting;

/// <summary>
/// TERM and INT stop the balancer at once, as pen does: the token is cancelled and the process exits 0. QUIT stops it
/// gracefully, as nginx does: no new clients, and the open connections get up to --grace seconds to finish.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _quitting = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, _stopping)),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, _stopping)),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context => OnSignal(context, _quitting)),
        ];
    }

    public CancellationToken Stopping => _stopping.Token;

    /// <summary>QUIT: stop accepting, let the connections finish (up to --grace), then exit.</summary>
    public CancellationToken Quitting => _quitting.Token;

    private static void OnSignal(PosixSignalContext context, CancellationTokenSource source)
    {
        // Keep the runtime from terminating the process: the balancer shuts down itself.
        context.Cancel = true;
        source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _stopping.Dispose();
        _quitting.Dispose();
    }
}
