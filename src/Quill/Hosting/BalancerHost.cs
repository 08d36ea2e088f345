using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Diagnostics;
using Quill.Net;
using Quill.Net.Listening;
using Quill.Operations;

namespace Quill.Hosting;

/// <summary>Start-up order, the run and the clean stop of one balancer process.</summary>
internal static class BalancerHost
{
    private static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(QuillOptions options, TimeProvider time, CancellationToken stopping)
    {
        var log = new DebugLog(options.DebugLevel, time) { ToSyslog = Daemon.IsChild };
        foreach (var notice in options.Notices) Console.Error.WriteLine(notice);
        if (options.Listen is not { } listenSpec)
            return Fail("no listen address given");

        BalancerState state;
        ConnectionListener listener;
        PrivilegeDrop? privileges;
        try
        {
            privileges = PrivilegeDrop.Prepare(options);
            state = BalancerState.Create(options, time);
            listener = ConnectionListener.Open(EndPointResolver.ResolveListen(listenSpec), options.ListenBacklog);
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
        catch (SocketException e)
        {
            return Fail($"cannot listen on {listenSpec.Text}: {SocketErrorText.Describe(e.SocketErrorCode)}");
        }

        OperationsHost operations;
        try
        {
            operations = OperationsHost.Start(options, state, privileges, log, time);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            listener.Dispose();
            return Fail(e.Message);
        }

        PidFile? pidFile;
        try
        {
            pidFile = options.PidFile is { } path ? PidFile.Write(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await operations.DisposeAsync().ConfigureAwait(false);
            listener.Dispose();
            return Fail($"cannot write pid file '{options.PidFile}': {e.Message}");
        }

        await using (operations)
        using (listener)
        using (pidFile)
        {
            var session = new ClientSession(state.Selector, TimeSpan.FromSeconds(options.ConnectTimeoutSeconds), log, operations.Reporting);
            var accepting = new AcceptLoop(listener, session, options.ConnectionsMax, options.MultiAccept, log);
            log.Write(1, $"listening on {listenSpec.Text} with {options.Servers.Count} servers");
            Daemon.ReportReady();
            try
            {
                await accepting.RunAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // TERM or INT: fall through to the clean stop.
            }
            listener.Dispose();
            await WaitForConnectionsToCloseAsync(accepting, time).ConfigureAwait(false);
            log.Write(1, "stopped");
        }
        return 0;
    }

    /// <summary>Open sessions see the cancelled token and close their sockets; give them a moment to finish.</summary>
    private static async Task WaitForConnectionsToCloseAsync(AcceptLoop accepting, TimeProvider time)
    {
        var deadline = time.GetTimestamp() + (long)(DrainOnStop.TotalSeconds * time.TimestampFrequency);
        while (accepting.OpenConnections > 0 && time.GetTimestamp() < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(10), time).ConfigureAwait(false);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"quill: {message}");
        return 1;
    }
}
