using Quill.Diagnostics;
using Quill.Net.Connections;

namespace Quill.Hosting;

/// <summary>
/// QUIT, or the end of a takeover: no new clients here, the open connections get up to --grace seconds to finish
/// (TLS, -H, connections still connecting...), then the balancer stops as on TERM and exits 0.
/// </summary>
internal static class GracefulStop
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <param name="closeListener">Closes the listener (QUIT); after a takeover the next process has it.</param>
    public static async Task RunAsync(TcpIntake intake, ListenerSlot listeners, bool closeListener, int graceSeconds,
        DebugLog log, TimeProvider time, CancellationTokenSource exit)
    {
        await intake.StopAccepting().ConfigureAwait(false);
        if (closeListener) listeners.Dispose();
        var deadline = time.GetTimestamp() + (long)(graceSeconds * (double)time.TimestampFrequency);
        log.Write(1, $"stopping gracefully: {intake.OpenConnections} connections may take up to {graceSeconds} s");
        while (intake.OpenConnections > 0 && time.GetTimestamp() < deadline && !exit.IsCancellationRequested)
            await Task.Delay(Poll, time).ConfigureAwait(false);
        if (intake.OpenConnections > 0) log.Write(0, $"grace time over: closing {intake.OpenConnections} connections");
        await exit.CancelAsync().ConfigureAwait(false);
    }
}
