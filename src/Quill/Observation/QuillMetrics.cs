using System.Diagnostics.Metrics;
using System.Globalization;
using Quill.Core.Model;
using Quill.Core.Selection;
using Quill.Core.Status;
using Quill.Net.Connections;
using Quill.Net.Web;

namespace Quill.Observation;

/// <summary>
/// Every metric quill exposes, defined in this one place: observable instruments on the "Quill" meter
/// (System.Diagnostics.Metrics, so any MeterListener, dotnet-counters or OpenTelemetry can read them too) whose
/// callbacks read quill's own counters when a scrape asks. Names and units follow Prometheus conventions.
/// </summary>
internal sealed class QuillMetrics : IDisposable
{
    private readonly Meter _meter = new("Quill", BuildInfo.Version);
    private readonly ServerSelector _selector;
    private readonly SelectionSettings _selection;
    private readonly ConnectionRegistry _connections;
    private readonly BalancerCounters _counters;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly List<MetricFamily> _families = [];

    public QuillMetrics(ServerSelector selector, SelectionSettings selection, ConnectionRegistry connections, BalancerCounters counters,
        TimeProvider time)
    {
        (_selector, _selection, _connections, _counters, _time) = (selector, selection, connections, counters, time);
        _startedAt = time.GetUtcNow();

        // Per server; labels server (pen's index) and address.
        Gauge("quill_server_connections_open", "Connections open to the server now.", () => PerServer(s => s.Connections));
        Counter("quill_server_connections", "Connections made to the server.", () => PerServer(s => s.Statistics.Connections));
        Counter("quill_server_sent_bytes", "Bytes sent to the server.", () => PerServer(s => s.SentToServer));
        Counter("quill_server_received_bytes", "Bytes received from the server.", () => PerServer(s => s.ReceivedFromServer));
        Counter("quill_server_connect_failures", "Failed connects to the server, by reason.", ConnectFailures);
        Counter("quill_server_blacklistings", "Times the server was blacklisted after a failed connect.",
            () => PerServer(s => s.Statistics.Blacklistings));
        Gauge("quill_server_state", "1 for the state the server is in now, 0 for the others.", ServerStates);
        Histogram("quill_server_connect_duration_seconds",
            "Time from choosing the server to the connect completing, for connects that succeeded.", s => s.Statistics.ConnectTime);

        Counter("quill_server_health_checks", "Active health checks of the server, by result (ok or fail:REASON).", CheckResults);
        Histogram("quill_server_health_check_duration_seconds", "Time an active health check took, whatever its result.",
            s => s.Statistics.CheckTime);

        // The balancer as a whole.
        Counter("quill_connections_accepted", "TCP and TLS clients accepted.", () => One(_counters.Accepted));
        Gauge("quill_connections_open", "Client connections (and UDP sessions) open now.", () => One(_connections.Open));
        Gauge("quill_connections_limit", "Connections allowed at once (-x, conn_max); further clients wait in the backlog.",
            () => One(_connections.Capacity));
        Counter("quill_connections_limit_reached", "Times accepting stopped with clients ready because -x connections were open; they wait in the backlog (never refused for -x, as in pen).",
            () => One(_counters.LimitReached));
        Counter("quill_clients_refused", "Clients refused, by reason (acl: client_acl denied them).",
            () => [Tagged(_counters.RefusedByAcl, ("reason", "acl"))]);
        Gauge("quill_client_table_entries", "Clients remembered in the client table.", () => One(_selector.Clients.Count));
        Gauge("quill_client_table_capacity", "Client table slots (-c, clients_max).", () => One(_selector.Clients.Capacity));
        Counter("quill_client_table_evictions", "Clients forgotten to make room for a new one.", () => One(_selector.Clients.Evictions));
        Counter("quill_tls_handshakes", "TLS handshakes completed with clients (-E).", () => One(_counters.TlsHandshakes));
        Counter("quill_tls_handshake_failures", "TLS handshakes with clients that failed, by reason.",
            () => ByKey(_counters.TlsFailures(), "reason"));
        Counter("quill_http_requests", "HTTP requests followed on -H connections.", () => One(_counters.HttpRequests));
        Counter("quill_udp_sessions", "UDP sessions started (-U).", () => One(_counters.UdpSessions));
        Counter("quill_control_commands", "Control commands run (-o, -F, control port, include, HUP).", () => One(_counters.ControlCommands));
        Counter("quill_proxy_headers", "PROXY headers read from front balancers (accept_proxy), by result.",
            () => ByKey(_counters.ProxyHeaders(), "result"));
        Gauge("quill_sockmap_enabled", "1 when the kernel relays plain TCP connections (BPF sockmap), 0 when the event loop does.",
            () => One(_counters.SockmapEnabled ? 1 : 0));
        Counter("quill_sockmap_connections", "Plain TCP connections whose bytes the kernel relayed (sockmap), one or both ways.",
            () => One(_counters.SockmapConnections));
        Counter("quill_peer_frames", "Client-table sync frames (peer, peer_listen), by result: sent, applied, older, unknown_server, bad, full_copy.",
            () => ByKey(_counters.Peers(), "result"));
        Counter("quill_config_reloads", "Reloads of the -F file, by result.", () => ByKey(_counters.ConfigReloads(), "result"));

        // The process.
        Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", () => One(ProcessFacts.ResidentBytes()));
        Gauge("process_open_fds", "Open file descriptors.", () => One(ProcessFacts.OpenDescriptors()));
        Gauge("process_max_fds", "The descriptor limit (ulimit -n).", () => One(ProcessFacts.MaxDescriptors()));
        Gauge("process_threads", "Operating system threads of the process.", () => One(ProcessFacts.Threads()));
        Counter("process_cpu_seconds", "User and system CPU time spent, in seconds.", () => [new Measurement<double>(ProcessFacts.CpuSeconds())]);
        Gauge("process_start_time_seconds", "Start time of the process since the unix epoch, in seconds.",
            () => One(_startedAt.ToUnixTimeSeconds()));
        Gauge("quill_uptime_seconds", "Seconds since quill started.", () => [new Measurement<double>(Math.Round((_time.GetUtcNow() - _startedAt).TotalSeconds, 3))]);
        Counter("dotnet_gc_collections", "Garbage collections, by generation.", GcCollections);
        Gauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last collection, in bytes.",
            () => One(GC.GetGCMemoryInfo().HeapSizeBytes));
        Counter("dotnet_gc_allocated_bytes", "Bytes allocated on the managed heap since start.", () => One(GC.GetTotalAllocatedBytes()));
        Add("quill_build", MetricType.Info, "The quill build running.", _meter.CreateObservableGauge<long>("quill_build_info",
            () => [Tagged(1L, ("version", BuildInfo.Version), ("runtime", BuildInfo.Runtime))]));
    }

    public IReadOnlyList<MetricFamily> Families => _families;

    public void Dispose() => _meter.Dispose();

    private void Counter(string name, string help, Func<IEnumerable<Measurement<long>>> read) =>
        Add(name, MetricType.Counter, help, _meter.CreateObservableCounter(name + "_total", read, Unit(name), help));

    private void Counter(string name, string help, Func<IEnumerable<Measurement<double>>> read) =>
        Add(name, MetricType.Counter, help, _meter.CreateObservableCounter(name + "_total", read, Unit(name), help));

    private void Gauge(string name, string help, Func<IEnumerable<Measurement<long>>> read) =>
        Add(name, MetricType.Gauge, help, _meter.CreateObservableGauge(name, read, Unit(name), help));

    private void Gauge(string name, string help, Func<IEnumerable<Measurement<double>>> read) =>
        Add(name, MetricType.Gauge, help, _meter.CreateObservableGauge(name, read, Unit(name), help));

    private void Add(string name, MetricType type, string help, params Instrument[] instruments) =>
        _families.Add(new MetricFamily(name, type, help, instruments));

    private static string? Unit(string name) => name.EndsWith("_bytes", StringComparison.Ordinal) ? "By"
        : name.EndsWith("_seconds", StringComparison.Ordinal) ? "s" : null;

    /// <summary>A per-server histogram: NAME_bucket per bound, NAME_sum and NAME_count, read from each server's histogram.</summary>
    private void Histogram(string name, string help, Func<ServerState, LatencyHistogram> read)
    {
        var bounds = LatencyHistogram.Bounds.Select(b => b.ToString(CultureInfo.InvariantCulture)).Append("+Inf").ToArray();
        Add(name, MetricType.Histogram, help,
            _meter.CreateObservableCounter(name + "_bucket", () => Servers().SelectMany(server =>
                read(server.State).Cumulative().Select((count, i) =>
                    Tagged(count, ("server", server.Index), ("address", server.Address), ("le", bounds[i])))), "s"),
            _meter.CreateObservableCounter(name + "_sum", () => Servers().Select(server =>
                Tagged(read(server.State).SumSeconds, ("server", server.Index), ("address", server.Address))), "s"),
            _meter.CreateObservableCounter(name + "_count", () => PerServer(s => read(s).Count)));
    }

    private readonly record struct ServerLabels(ServerState State, string Index, string Address);

    private IEnumerable<ServerLabels> Servers()
    {
        var servers = _selector.Servers.Regular;
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            yield return new ServerLabels(server, i.ToString(CultureInfo.InvariantCulture), AddressLabel(server));
        }
    }

    private static string AddressLabel(ServerState server)
    {
        var address = AddressText.Of(server.EndPoint);
        return server.EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.Unix
            ? address
            : string.Create(CultureInfo.InvariantCulture, $"{address}:{server.Port}");
    }

    private IEnumerable<Measurement<long>> PerServer(Func<ServerState, long> read) =>
        Servers().Select(s => Tagged(read(s.State), ("server", s.Index), ("address", s.Address)));

    private IEnumerable<Measurement<long>> ConnectFailures() =>
        Servers().SelectMany(s => s.State.Statistics.ConnectFailures()
            .Select(f => Tagged(f.Value, ("server", s.Index), ("address", s.Address), ("reason", f.Key))));

    private IEnumerable<Measurement<long>> CheckResults() =>
        Servers().SelectMany(s => s.State.Statistics.CheckResults()
            .Select(r => Tagged(r.Value, ("server", s.Index), ("address", s.Address), ("result", r.Key))));

    private IEnumerable<Measurement<long>> ServerStates()
    {
        var now = _time.GetUtcNow();
        var blacklist = TimeSpan.FromSeconds(Math.Max(0, _selection.BlacklistSeconds));
        return Servers().SelectMany(s =>
        {
            var current = ServerCondition.Of(s.State, now, blacklist);
            return ServerCondition.All.Select(state =>
                Tagged(state == current ? 1L : 0L, ("server", s.Index), ("address", s.Address), ("state", state)));
        });
    }

    private static IEnumerable<Measurement<long>> GcCollections() =>
        Enumerable.Range(0, GC.MaxGeneration + 1).Select(g => Tagged((long)GC.CollectionCount(g), ("generation", g.ToString(CultureInfo.InvariantCulture))));

    private static Measurement<long>[] One(long value) => [new Measurement<long>(value)];

    private static IEnumerable<Measurement<long>> ByKey(KeyValuePair<string, long>[] counts, string label) =>
        counts.Select(c => Tagged(c.Value, (label, c.Key)));

    private static Measurement<T> Tagged<T>(T value, params (string Key, string Value)[] tags) where T : struct =>
        new(value, tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)).ToArray());
}
