using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Selection;
using Quill.Diagnostics;
using Quill.Net;
using Quill.Net.Connections;
using Quill.Net.Takeover;
using Quill.Net.Udp;

namespace Quill.Hosting;

/// <summary>The run of a balancer in UDP mode (-U): the UDP intake instead of the TCP one.</summary>
internal static class UdpHost
{
    /// <param name="services">Selection, the registry where sessions are listed, the debug log.</param>
    /// <param name="settings">The idle timeout, after -o and -F.</param>
    /// <param name="exit">Cancelled to stop; this run cancels it too once a takeover has moved every session away.</param>
    /// <param name="startOperations">Once the port is bound: pid file, chroot, user switch, access log (as after a TCP
    /// listen); returns the pid file, removed when the run ends.</param>
    /// <param name="takeover">With --takeover: the running quill, whose listen socket and sessions this one takes.</param>
    /// <param name="handover">The handing over of this one's, should a later quill take over.</param>
    public static async Task<int> RunAsync(QuillOptions options, ConnectionServices services, RuntimeSettings settings,
        ListenSpec listenSpec, DebugLog log, TimeProvider time, CancellationTokenSource exit, Func<PidFile?> startOperations,
        TakeoverClient? takeover, BalancerState state,
        Func<ITakeoverTransport<MovedSession>, PidFile?, Func<TakeoverChannel, Task<bool>>> handover)
    {
        if (options.Tls.Enabled)
            return Fail(log, "-E (TLS) cannot be used with -U (UDP)");
        if (options.Servers.FirstOrDefault(s => s.IsUnix) is { } unix)
            return Fail(log, $"-U: server '{unix.Text}' is a unix socket; UDP needs host:port servers");

        UdpIntake intake;
        var listenText = takeover?.ListenText ?? listenSpec.Text;
        try
        {
            if (EndPointResolver.ResolveListen(listenSpec) is not IPEndPoint listen)
                return Fail(log, $"-U: listen address '{listenSpec.Text}' is a unix socket; UDP needs [host:]port");
            var intakeOptions = new UdpIntakeOptions
            {
                IdleTimeout = settings.IdleTimeoutSeconds > 0 ? TimeSpan.FromSeconds(settings.IdleTimeoutSeconds) : UdpIntakeOptions.DefaultIdleTimeout,
                MaxSessions = options.ConnectionsMax,
            };
            intake = takeover is null
                ? UdpIntake.Open(listen, services, intakeOptions, time)
                : UdpIntake.FromDescriptor(takeover.ListenerDescriptor, services, intakeOptions, time);
        }
        catch (ArgumentException e)
        {
            return Fail(log, e.Message);
        }
        catch (SocketException e)
        {
            return Fail(log, $"cannot listen on {listenSpec.Text} (UDP): {SocketErrorText.Describe(e.SocketErrorCode)}");
        }

        PidFile? pidFile;
        try
        {
            pidFile = startOperations();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            intake.Dispose();
            return Fail(log, e.Message);
        }

        using (intake)
        using (pidFile)
        {
            var transport = new UdpTakeoverTransport(intake, listenText);
            // Every session before the first read, so that each client's next datagram finds its own.
            if (takeover is not null) await takeover.TakeConnectionsAsync(transport, state, log).ConfigureAwait(false);
            var running = intake.RunAsync(exit.Token);
            await using (TakeoverServer.TryOpen(options.PidFile, handover(transport, pidFile), exit.Cancel, log))
            {
                log.Write(1, $"listening on {listenText} (UDP) with {options.Servers.Count} servers");
                Operations.Daemon.ReportReady();
                SystemdNotify.Ready(() => $"listening on {listenText} (UDP) with {options.Servers.Count} servers", message => log.Write(1, message));
                await running.ConfigureAwait(false);
            }
            log.Write(1, "stopped");
        }
        return 0;
    }

    private static int Fail(DebugLog log, string message)
    {
        log.Fatal(message);
        return 1;
    }
}
