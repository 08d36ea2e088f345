using Quill.Core.Control;
using Quill.Core.Health;
using Quill.Diagnostics;
using Quill.Net.Health;

namespace Quill.Hosting;

/// <summary>The active health checks of a running balancer: the check scheduler on its own loop, from start to stop.</summary>
internal static class HealthChecking
{
    /// <summary>Starts checking the servers of <paramref name="state"/>, connecting from <c>source</c> as it stands.</summary>
    public static HealthCheckLoop Start(BalancerState state, RuntimeSettings settings, DebugLog log, TimeProvider time)
    {
        var loop = new HealthCheckLoop(
            probe => new HealthMonitor(state.Selector, state.Settings, () => settings.SourceAddress, probe, time, log.Write),
            e => log.Write(0, $"health check: {e.Message}"), time);
        loop.Start();
        return loop;
    }
}
