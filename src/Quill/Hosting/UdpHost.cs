using System.Net;
using Quill.Net.Connections;
using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Selection;
using Quill.Diagnostics;
using Quill.Net;
using Quill.Net.Udp;

namespace Quill.Hosting;

/// <summary>The run of a balancer in UDP mode (-U): one relay instead of the accept loop.</summary>
internal static class UdpHost
{
    /// <param name="settings">The idle timeout, after -o and -F.</param>
    /// <param name="startOperations">Once the port is bound: chroot, user switch, access log (as after a TCP listen).</param>
    /// <param name="connections">Where the sessions are listed for connection N, status and USR1.</param>
    public static async Task<int> RunAsync(QuillOptions options, ServerSelector selector, RuntimeSettings settings,
        ListenSpec listenSpec, DebugLog log, TimeProvider time, CancellationToken stopping, Action startOperations,
        ConnectionRegistry? connections = null)
    {
        if (options.Tls.Enabled)
            return Fail("-E (TLS) cannot be used with -U (UDP)");
        if (options.Servers.FirstOrDefault(s => s.IsUnix) is { } unix)
            return Fail($"-U: server '{unix.Text}' is a unix socket; UDP needs host:port servers");

        UdpRelay relay;
        try
        {
            if (EndPointResolver.ResolveListen(listenSpec) is not IPEndPoint listen)
                return Fail($"-U: listen address '{listenSpec.Text}' is a unix socket; UDP needs [host:]port");
            var relayOptions = new UdpRelayOptions
            {
                IdleTimeout = settings.IdleTimeoutSeconds > 0 ? TimeSpan.FromSeconds(settings.IdleTimeoutSeconds) : UdpRelayOptions.DefaultIdleTimeout,
                MaxSessions = options.ConnectionsMax,
                Watcher = connections is null ? null : new UdpSessionListings(connections),
            };
            relay = UdpRelay.Open(listen, selector, relayOptions, time, log.Write);
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
        catch (SocketException e)
        {
            return Fail($"cannot listen on {listenSpec.Text} (UDP): {SocketErrorText.Describe(e.SocketErrorCode)}");
        }

        try
        {
            startOperations();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            relay.Dispose();
            return Fail(e.Message);
        }

        using (relay)
        using (options.PidFile is { } path ? PidFile.Write(path) : null)
        {
            log.Write(1, $"listening on {listenSpec.Text} (UDP) with {options.Servers.Count} servers");
            Operations.Daemon.ReportReady();
            await relay.RunAsync(stopping).ConfigureAwait(false);
            log.Write(1, "stopped");
        }
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"quill: {message}");
        return 1;
    }
}
