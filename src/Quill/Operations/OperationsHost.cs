using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Diagnostics;
using Quill.Hosting;
using Quill.Net.AccessLog;
using Quill.Net.Connections;

namespace Quill.Operations;

/// <summary>
/// The process concerns of a running balancer, started once its sockets are open: privilege drop, access log,
/// connection table, statistics, HUP and USR1. Stopping flushes and closes the access log.
/// </summary>
internal sealed class OperationsHost : IAsyncDisposable
{
    private OperationsHost(AccessLog accessLog, OperatorSignals signals, StatusReports status, SessionReporting reporting)
    {
        AccessLog = accessLog;
        Signals = signals;
        Status = status;
        Reporting = reporting;
    }

    /// <summary>-l, and the log / no log commands.</summary>
    public AccessLog AccessLog { get; }
    /// <summary>HUP and USR1 action lists; the configuration re-read joins HUP here.</summary>
    public OperatorSignals Signals { get; }
    /// <summary>Text statistics and the HTML page, for USR1 and the status / web_stats commands.</summary>
    public StatusReports Status { get; }
    public SessionReporting Reporting { get; }

    /// <summary>The access log (still closed), statistics and signal actions; nothing is opened yet.</summary>
    public static OperationsHost Create(QuillOptions options, BalancerState state, ConnectionRegistry connections, RuntimeSettings settings,
        BalancerCounters counters, DebugLog log, TimeProvider time)
    {
        var accessLog = new AccessLog(message => log.Write(0, message));
        var status = new StatusReports(state.Selector, connections, counters, log, time) { WebStatsFile = options.WebStatsFile };
        var signals = new OperatorSignals(message => log.Write(0, message));
        signals.OnHangUp(() => log.Write(1, "HUP: reopening the access log"));
        signals.OnHangUp(accessLog.Reopen);
        signals.OnUser1(status.OnUser1);
        return new OperationsHost(accessLog, signals, status, new SessionReporting(accessLog, log, options.Ascii, settings, time));
    }

    /// <summary>
    /// Writes the pid file while still root (unlike pen, which writes it after the chroot and setuid: root-owned
    /// /run is where service managers look), drops privileges (if asked), then opens the access log, as pen does
    /// after chroot and setuid.
    /// </summary>
    /// <returns>The pid file (-p), for the caller to remove when the balancer stops.</returns>
    /// <exception cref="InvalidOperationException">The pid file cannot be written, the privilege drop failed, or the log file cannot be opened (one-line message).</exception>
    /// <exception cref="ArgumentException">An unusable penlogd address.</exception>
    public PidFile? Start(QuillOptions options, PrivilegeDrop? privileges)
    {
        PidFile? pidFile;
        try
        {
            pidFile = options.PidFile is { } path ? PidFile.Write(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot write pid file '{options.PidFile}': {e.Message}", e);
        }
        try
        {
            privileges?.Apply();
            OpenAccessLog(options);
            return pidFile;
        }
        catch
        {
            pidFile?.Dispose();
            throw;
        }
    }

    private void OpenAccessLog(QuillOptions options)
    {
        try
        {
            if (options.LogTarget is { } target) AccessLog.Open(target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot open access log '{options.LogTarget}': {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Signals.Dispose();
        await AccessLog.DisposeAsync().ConfigureAwait(false);
    }
}
