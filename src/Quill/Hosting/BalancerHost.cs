using System.Net.Sockets;
using Quill.Core.Acl;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Diagnostics;
using Quill.Net;
using Quill.Net.Connections;
using Quill.Net.Listening;
using Quill.Net.Takeover;
using Quill.Net.Tls;
using Quill.Net.Web;
using Quill.Observation;
using Quill.Operations;

namespace Quill.Hosting;

/// <summary>Start-up order, the run and the clean stop of one balancer process.</summary>
internal static class BalancerHost
{
    private static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(1);
    public const string NoListenAddress = "no listen address given, neither on the command line nor in the -F file";

    /// <param name="stopping">TERM, INT: stop now.</param>
    /// <param name="quitting">QUIT: stop accepting, let connections finish (up to --grace), then stop.</param>
    public static async Task<int> RunAsync(QuillOptions options, TimeProvider time, CancellationToken stopping, CancellationToken quitting = default)
    {
        var log = new DebugLog(options.DebugLevel, time) { ToSyslog = Daemon.IsChild };
        foreach (var notice in options.Notices) Console.Error.WriteLine(notice);
        if (options.Takeover && options.PidFile is null) return Fail(log, "--takeover needs -p: the running quill is found through its pid file");
        TakeoverClient? takeover;
        try
        {
            takeover = options.Takeover ? TakeoverClient.Connect(options.PidFile!, options.Udp) : null;
        }
        catch (IOException e)
        {
            return Fail(log, e.Message);
        }
        using var handing = takeover;

        BalancerState state;
        PrivilegeDrop? privileges;
        var countries = new CountryLookup();
        try
        {
            privileges = PrivilegeDrop.Prepare(options);
            state = BalancerState.Create(options, time);
        }
        catch (ArgumentException e)
        {
            return Fail(log, e.Message);
        }

        // The exit command stops the balancer the way TERM does.
        using var exit = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var stoppingNotice = exit.Token.Register(SystemdNotify.Stopping);
        using var quittingNotice = quitting.Register(SystemdNotify.Stopping);
        var settings = new RuntimeSettings(options);
        var acls = new AccessLists(countries.CountryOf);
        var counters = new BalancerCounters();
        state.Selector.Admission = new AclAdmission(acls, settings, state.Servers, counters);
        using var listeners = new ListenerSlot();
        var connections = new ConnectionRegistry(options.ConnectionsMax);
        await using var operations = OperationsHost.Create(options, state, connections, settings, counters, log, time);
        var services = new ConnectionServices(state.Selector, connections, settings, log)
        {
            Filters = new ClientStreamFilters(operations.Reporting, counters),
            Counters = counters,
            ConnectionLog = operations.Reporting,
            Time = time,
            Acls = acls,
        };
        using var accepting = options.Udp ? null : new TcpIntake(services, time, options.ConnectionsMax, options.MultiAccept, options.Sockmap);
        using var trafficSweep = new TrafficSweep(connections, time);
        var runtime = new BalancerRuntime(listeners, connections, accepting, log, options.ListenBacklog, exit, operations);
        using var metrics = new QuillMetrics(state.Selector, state.Settings, connections, counters, time);
        using var exposition = new MetricsExposition(metrics.Families);
        runtime.Live = new LiveStatusSource(operations.Status, state.Settings, settings, counters, log.Errors,
            () => listeners.Text ?? options.Listen?.Text, time);
        using var web = new ObservationEndpoint(runtime.Live, exposition, acls, settings, log, time);
        runtime.Web = web;
        await using var peers = new Peers.PeerSync(settings, state.Servers, state.Selector.Clients, counters, log, time);
        runtime.Peers = peers;
        await using var control = new ControlPlane(options, state, settings, acls, runtime, time, log, counters);

        // pen's order: -o as parsed, the -F file, the control port, then the listener unless the file opened one;
        // then chroot and the user switch, the access log and the pid file.
        if (control.RunStartupCommands() is { } refused)
        {
            foreach (var line in refused) Console.Error.WriteLine($"quill: {line}");
            return 1;
        }
        if (exit.IsCancellationRequested) return 0;
        if (takeover is not null) control.ApplyHandedConfiguration(takeover.Configuration);
        if (UseCountryDatabase(countries, settings.GeoIpPath, options.Jail is not null, log) is { } geoError) return Fail(log, geoError);
        if (control.OpenControlPort(time, privileges?.Owner, takeover?.ControlFd) is { } controlError) return Fail(log, controlError);
        // HUP re-reads -F from here on, as the control port's reload does: before the listener opens, so a HUP sent
        // once the port accepts is never only a log reopen, and for -U as for TCP.
        operations.Signals.OnHangUp(control.Reload);
        using var health = HealthChecking.Start(state, settings, log, time);
        if (options.Udp)
        {
            return options.Listen is { } udpListen
                ? await UdpHost.RunAsync(options, services, settings, udpListen, log, time, exit,
                    () => operations.Start(options, privileges), takeover, state,
                    (transport, pidFile) => new TakeoverHandover<MovedSession>(transport, control, web, peers, state, pidFile, log).RunAsync)
                    .ConfigureAwait(false)
                : Fail(log, NoListenAddress);
        }
        var intake = accepting ?? throw new InvalidOperationException("a TCP balancer without its intake");
        try
        {
            services.Tls = options.Tls.Enabled ? TlsTermination.Load(options.Tls with
            {
                SniDirectory = settings.SniDirectory, Ciphers = settings.SslCiphers, SslOptions = settings.SslOptions,
            }, () => settings.OcspResponseFile, time, message => log.Write(1, message)) : null;
        }
        catch (ArgumentException e)
        {
            return Fail(log, e.Message);
        }
        if (takeover is not null) listeners.Replace(ConnectionListener.FromDescriptor(takeover.ListenerDescriptor), takeover.ListenText);
        else if (listeners.Current is null && OpenListener(options, listeners) is { } listenError) return Fail(log, listenError);

        PidFile? pidFile;
        try
        {
            pidFile = operations.Start(options, privileges);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return Fail(log, e.Message);
        }

        using var idlers = new IdlerPool(state.Selector, settings, () => TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds), log);
        (services.Idlers, runtime.Idlers) = (idlers, idlers);
        var idling = idlers.RunAsync(exit.Token);
        using (pidFile)
        {
            log.Write(1, $"listening on {listeners.Text} with {state.Servers.Count} servers");
            Daemon.ReportReady();
            using var graceful = CancellationTokenSource.CreateLinkedTokenSource(quitting);
            using var stopGracefully = graceful.Token.Register(() => _ = GracefulStop.RunAsync(
                intake, listeners, closeListener: quitting.IsCancellationRequested, options.GraceSeconds, log, time, exit));
            SystemdNotify.Ready(() => $"listening on {listeners.Text} with {state.Servers.Count} servers", message => log.Write(1, message));
            try
            {
                listeners.Replaced += intake.Listen;
                var running = intake.RunAsync(listeners.Current!, exit.Token);
                await intake.Accepting.ConfigureAwait(false);
                var transport = new TcpTakeoverTransport(listeners, intake);
                if (takeover is not null) await takeover.TakeConnectionsAsync(transport, state, log).ConfigureAwait(false);
                await using var takeovers = TakeoverServer.TryOpen(options.PidFile,
                    new TakeoverHandover<MovedRelay>(transport, control, web, peers, state, pidFile, log).RunAsync, graceful.Cancel, log);
                await running.ConfigureAwait(false);
                listeners.Replaced -= intake.Listen;
            }
            catch (OperationCanceledException) when (exit.IsCancellationRequested)
            {
                // TERM, INT or exit: fall through to the clean stop.
            }
            listeners.Dispose();
            await idling.ConfigureAwait(false);
            await WaitForConnectionsToCloseAsync(intake, time).ConfigureAwait(false);
            log.Write(1, "stopped");
        }
        return 0;
    }

    /// <summary>
    /// After -o and -F (geoip_path) and before the chroot, like pen. An explicit geoip_path, or a chroot that would hide
    /// the files, loads the database now (a bad one stops the start); otherwise the default legacy files are read on the
    /// first country lookup, so start-up does not wait for 10 MB that no ACL may use. A missing file never matches.
    /// </summary>
    /// <returns>Null when done; otherwise the one-line error.</returns>
    private static string? UseCountryDatabase(CountryLookup countries, string? path, bool chroot, DebugLog log)
    {
        if (path is null && !chroot)
        {
            var onFirstUse = new Lazy<Func<System.Net.IPAddress, string?>>(() =>
            {
                try
                {
                    return CountryDatabases.Open(null);
                }
                catch (ArgumentException e)
                {
                    log.Write(0, e.Message);
                    return AccessLists.NoCountryDatabase;
                }
            });
            countries.Use(address => onFirstUse.Value(address));
            return null;
        }
        try
        {
            countries.Use(CountryDatabases.Open(path));
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <returns>Null when listening; otherwise the one-line error.</returns>
    private static string? OpenListener(QuillOptions options, ListenerSlot listeners)
    {
        if (options.Listen is not { } listenSpec)
            return NoListenAddress;
        try
        {
            listeners.Replace(ConnectionListener.Open(EndPointResolver.ResolveListen(listenSpec), options.ListenBacklog), listenSpec.Text);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        catch (SocketException e)
        {
            return $"cannot listen on {listenSpec.Text}: {SocketErrorText.Describe(e.SocketErrorCode)}";
        }
    }

    /// <summary>Open sessions see the cancelled token and close their sockets; give them a moment to finish.</summary>
    private static async Task WaitForConnectionsToCloseAsync(TcpIntake accepting, TimeProvider time)
    {
        var deadline = time.GetTimestamp() + (long)(DrainOnStop.TotalSeconds * time.TimestampFrequency);
        while (accepting.OpenConnections > 0 && time.GetTimestamp() < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(10), time).ConfigureAwait(false);
    }

    private static int Fail(DebugLog log, string message)
    {
        log.Fatal(message);
        return 1;
    }
}
