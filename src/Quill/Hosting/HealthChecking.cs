using Quill.Core.Control;
using Quill.Core.Health;
using Quill.Diagnostics;
using Quill.Net.Health;

namespace Quill.Hosting;

/// <summary>The active health checks of a running balancer: the one check loop over the sockets' probe, from start to stop.</summary>
internal sealed class HealthChecking : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping;
    private readonly Task _running;

    private HealthChecking(HealthMonitor monitor, CancellationToken stopping)
    {
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running = Task.Run(() => monitor.RunAsync(_stopping.Token));
    }

    /// <summary>Starts checking the servers of <paramref name="state"/>, connecting from <c>source</c> as it stands.</summary>
    public static HealthChecking Start(BalancerState state, RuntimeSettings settings, DebugLog log, TimeProvider time, CancellationToken stopping) =>
        new(new HealthMonitor(state.Selector, state.Settings, () => settings.SourceAddress, new SocketHealthProbe(), time, log.Write), stopping);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop's pause was cut short by the stop.
        }

        _stopping.Dispose();
    }
}
