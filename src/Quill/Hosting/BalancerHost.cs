using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Diagnostics;
using Quill.Net;
using Quill.Net.Forwarding;
using Quill.Net.Listening;

namespace Quill.Hosting;

/// <summary>Start-up order, the run and the clean stop of one balancer process.</summary>
internal static class BalancerHost
{
    private static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(QuillOptions options, TimeProvider time, CancellationToken stopping)
    {
        var log = new DebugLog(options.DebugLevel, time);
        foreach (var notice in options.Notices) Console.Error.WriteLine(notice);
        if (!options.Foreground)
            Console.Error.WriteLine("quill: staying in the foreground (daemon mode is not available yet)");
        if (options.Listen is not { } listenSpec)
            return Fail("no listen address given");

        BalancerState state;
        ConnectionListener listener;
        ForwardingMode forwarding;
        try
        {
            forwarding = ForwardingModeSetting.FromEnvironment();
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

        using (listener)
        using (var pidFile = options.PidFile is { } path ? PidFile.Write(path) : null)
        {
            var session = new ClientSession(state.Selector, TimeSpan.FromSeconds(options.ConnectTimeoutSeconds), log, forwarding);
            var accepting = new AcceptLoop(listener, session, options.ConnectionsMax, options.MultiAccept, log);
            log.Write(1, $"listening on {listenSpec.Text} with {options.Servers.Count} servers");
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
