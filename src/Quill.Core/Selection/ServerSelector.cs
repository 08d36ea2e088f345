using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Health;
using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// pen's server choice for new connections: client tracking, the initial pick by mode, try_server's checks,
/// failover in index order, emergency server, blacklisting. Thread-safe: one lock (shared with the client table)
/// guards every change, and every method is short and never blocks. The selector is the only mutator of server
/// counters and blacklist times; status pages read <see cref="Servers"/>, <see cref="Clients"/> and
/// <see cref="Current"/>.
/// </summary>
/// <remarks>
/// Per client connection: <see cref="Begin"/> once; on each failed connect <see cref="FailOver"/>; on success
/// <see cref="Connected"/>; and <see cref="Finished"/> exactly once at the end, whatever happened (also when
/// Begin or FailOver found no server: it then only adds the client's byte counts).
/// </remarks>
public sealed class ServerSelector
{
    private readonly SelectionSettings _settings;
    private readonly TimeProvider _time;
    private readonly Lock _gate;
    private readonly ServerGate _serverGate;
    private readonly RoundRobinPick _roundRobin = new();
    private readonly HashPick _hash = new();
    private readonly WeightPick _weight = new();
    private readonly PriorityPick _priority = new();

    public ServerSelector(ServerTable servers, ClientTable clients, SelectionSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        Servers = servers;
        Clients = clients;
        _settings = settings;
        _time = time;
        _gate = clients.Gate;
        _serverGate = new ServerGate(servers, clients);
    }

    public ServerTable Servers { get; }

    public ClientTable Clients { get; }

    /// <summary>The mode flags in force now.</summary>
    public SelectionFlags Flags => _settings.Flags;

    /// <summary>pen's "current": the last server a connection was given to (status pages).</summary>
    public int Current
    {
        get
        {
            lock (_gate)
            {
                return _serverGate.Current;
            }
        }
    }

    /// <summary>client_acl and server ACL checks; null lets everyone in. ACLs plug in here.</summary>
    public IClientAdmission? Admission
    {
        get => _serverGate.Admission;
        set => _serverGate.Admission = value;
    }

    /// <summary>
    /// Records the client (unless client_acl denies it and there is no abuse server), picks the initial server and
    /// reserves a connection on the first server that accepts (initial pick, then the failover scan, then the
    /// emergency server). <paramref name="client"/> is null for unix-socket clients.
    /// </summary>
    public ConnectionAttempt Begin(IPAddress? client, int clientPort)
    {
        var key = ClientKey.From(client);
        lock (_gate)
        {
            var context = ReadContext();
            var attempt = new ConnectionAttempt { Client = client, Server = ServerIndex.None, ClientSlot = ClientTable.NoSlot };
            attempt.Denied = Admission?.AllowsClient(client) == false;
            // pen records a client before its client_acl check, so one it then closes took a slot (evicting a client
            // that sticks to its server) and showed in recent; here only one the abuse server takes is.
            if (attempt.Denied && Servers.Abuse is null)
            {
                attempt.InitialServer = ServerIndex.None;
                return attempt;
            }

            attempt.ClientSlot = Clients.Record(key, out var generation);
            attempt.ClientGeneration = generation;
            if (attempt.Denied)
            {
                attempt.InitialServer = ServerIndex.Abuse;
                _serverGate.TryReserve(attempt.InitialServer, ref attempt, context);
                return attempt;
            }

            var stored = Clients.StoredServer(attempt.ClientSlot, generation);
            attempt.InitialServer = InitialServer(new PickRequest(key, clientPort, stored, context));
            if (!_serverGate.TryReserve(attempt.InitialServer, ref attempt, context))
            {
                attempt.Server = attempt.InitialServer;
                Failover.TryFind(_serverGate, Servers, ref attempt, context);
            }

            return attempt;
        }
    }

    /// <summary>
    /// The connect to attempt.Server failed or timed out: blacklist it, release it, fail over. False when nothing
    /// is left (the attempt then holds no server and the client is closed).
    /// </summary>
    public bool FailOver(ref ConnectionAttempt attempt)
    {
        lock (_gate)
        {
            var context = ReadContext();
            if (!attempt.HoldsServer)
            {
                attempt.Server = ServerIndex.None;
                attempt.ServerEndPoint = null;
                return false;
            }

            if (Servers[attempt.Server] is { } failed)
            {
                failed.FailedAt = context.Now;
                failed.Statistics.Blacklisted();
            }

            _serverGate.Release(ref attempt);
            return Failover.TryFind(_serverGate, Servers, ref attempt, context);
        }
    }

    /// <summary>
    /// The connect succeeded: the server is fine again, so its blacklist time is cleared, unless it was blacklisted
    /// after this attempt chose it (<c>server N blacklist T</c>, or another connect failing meanwhile): a connect begun
    /// before that is no evidence against it.
    /// </summary>
    public void Connected(in ConnectionAttempt attempt)
    {
        lock (_gate)
        {
            if (attempt.HoldsServer && Servers[attempt.Server] is { } server && server.FailedAt == attempt.ServerFailedAt
                && server.FailedAt is { } failed)
            {
                // Slow start counts from the blacklisting's end, which this forgets.
                server.Health.CameBack(failed + ReadContext().BlacklistTime);
                server.FailedAt = null;
            }
        }
    }

    /// <summary>
    /// Adds bytes copied so far to the server's and the client's counters, for connections that report as they
    /// go; <see cref="Finished"/> then gets only the rest.
    /// </summary>
    public void Transferred(in ConnectionAttempt attempt, long bytesToServer, long bytesToClient)
    {
        lock (_gate)
        {
            if (attempt.HoldsServer && Servers[attempt.Server] is { } server)
            {
                server.SentToServer += bytesToServer;
                server.ReceivedFromServer += bytesToClient;
            }

            Clients.AddBytes(attempt.ClientSlot, attempt.ClientGeneration, bytesToClient, bytesToServer);
        }
    }

    /// <summary>
    /// The connection ended: add the byte counts and release the server's connection. Call exactly once per
    /// <see cref="Begin"/>, whatever happened; the count never goes below 0.
    /// </summary>
    public void Finished(in ConnectionAttempt attempt, long bytesToServer, long bytesToClient)
    {
        lock (_gate)
        {
            Transferred(attempt, bytesToServer, bytesToClient);
            var done = attempt;
            _serverGate.Release(ref done);
        }
    }

    /// <summary>
    /// <c>server N blacklist T</c>: blacklists the server for exactly <paramref name="seconds"/> from now (pen sets
    /// the failure time to now + T - blacklist time); 0 or less un-blacklists it. False when there is no such server.
    /// </summary>
    public bool Blacklist(int index, int seconds)
    {
        lock (_gate)
        {
            if (Servers[index] is not { } server)
            {
                return false;
            }

            var context = ReadContext();
            if (seconds <= 0 && server.IsBlacklisted(context.Now, context.BlacklistTime)) server.Health.CameBack(context.Now);
            server.FailedAt = seconds <= 0 ? null : context.Now + TimeSpan.FromSeconds(seconds) - context.BlacklistTime;
            return true;
        }
    }

    /// <summary>Appends a regular server (control commands that name a new index) and returns its index.</summary>
    public int AddServer(ServerState server)
    {
        lock (_gate)
        {
            return Servers.Add(server);
        }
    }

    /// <summary>
    /// <c>server N ...</c>: runs <paramref name="change"/> on server <paramref name="index"/> under the lock, first
    /// appending unused slots made by <paramref name="unusedSlot"/> up to it (pen grows its table the same way).
    /// </summary>
    public void ChangeServer(int index, Func<ServerState> unusedSlot, Action<ServerState> change)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(unusedSlot);
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            Servers.GrowTo(index + 1, unusedSlot);
            change(Servers.Regular[index]);
        }
    }

    /// <summary>
    /// Takeover: a connection another quill relayed arrives connected to <paramref name="server"/>. It holds one of
    /// the server's connections and counts to its client's entry (moved before it), as if it had begun here.
    /// </summary>
    public ConnectionAttempt Adopt(IPAddress? client, int server)
    {
        lock (_gate)
        {
            var attempt = new ConnectionAttempt { Client = client, Server = server, InitialServer = server };
            attempt.ClientSlot = Clients.Locate(ClientKey.From(client), out var generation);
            attempt.ClientGeneration = generation;
            if (Servers[server] is { } state)
            {
                state.Connections++;
                attempt.ServerEndPoint = state.EndPoint;
                attempt.HoldsServer = true;
            }
            return attempt;
        }
    }

    /// <summary>Takeover: adds the byte counters the previous process kept for server <paramref name="index"/>.</summary>
    public void AddMovedCounters(int index, long sentToServer, long receivedFromServer)
    {
        lock (_gate)
        {
            if (Servers[index] is not { } server) return;
            server.SentToServer += sentToServer;
            server.ReceivedFromServer += receivedFromServer;
        }
    }

    /// <summary>The state of server <paramref name="index"/> now (see <see cref="ServerState.Availability"/>); Up when there is none.</summary>
    public ServerAvailability Availability(int index)
    {
        lock (_gate)
        {
            var context = ReadContext();
            return Servers[index]?.Availability(context.Now, context.BlacklistTime) ?? ServerAvailability.Up;
        }
    }

    /// <summary>The state of every regular server, read at one moment (status pages).</summary>
    public ServerAvailability[] Availabilities()
    {
        lock (_gate)
        {
            var context = ReadContext();
            var servers = Servers.Regular;
            var states = new ServerAvailability[servers.Count];
            for (var i = 0; i < states.Length; i++) states[i] = servers[i].Availability(context.Now, context.BlacklistTime);
            return states;
        }
    }

    /// <summary><c>server N drain|maint|up</c>. False when there is no such regular server.</summary>
    public bool SetAdmin(int index, AdminState admin)
    {
        lock (_gate)
        {
            if (index < 0 || index >= Servers.Count) return false;
            Servers.Regular[index].Health.SetAdmin(admin, ReadContext().Now);
            return true;
        }
    }

    /// <summary>
    /// A reload: every used regular slot for which <paramref name="named"/> is false is marked removed (no new
    /// clients; the slot becomes unused when its last connection ends, at once when it has none); a named slot
    /// that an earlier reload removed is taken back. Returns the indices removed now.
    /// </summary>
    public IReadOnlyList<int> RemoveAllBut(Func<int, bool> named)
    {
        ArgumentNullException.ThrowIfNull(named);
        var removed = new List<int>();
        lock (_gate)
        {
            for (var i = 0; i < Servers.Count; i++)
            {
                var server = Servers.Regular[i];
                if (named(i))
                {
                    server.Removed = false;
                    continue;
                }

                if (!server.IsUsed || server.Removed) continue;
                server.Removed = true;
                removed.Add(i);
                if (server.Connections == 0) Servers.Retire(i);
            }
        }

        return removed;
    }

    /// <summary>
    /// Takeover: the servers a reload removed in the previous process stay removed here (the configuration it handed
    /// over names them, as <c>write</c> does while they have connections). A slot that connections moving here still
    /// hold (<paramref name="arriving"/>) empties when the last of them ends; any other empties now.
    /// </summary>
    public void KeepRemoved(IEnumerable<int> removed, Func<int, bool> arriving)
    {
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(arriving);
        lock (_gate)
        {
            foreach (var i in removed)
            {
                if (Servers[i] is not { IsUsed: true } server || !ServerIndex.IsRegular(i)) continue;
                server.Removed = true;
                if (server.Connections == 0 && !arriving(i)) Servers.Retire(i);
            }
        }
    }

    /// <summary>
    /// Counts one active check of <paramref name="server"/>. A server that comes back up after <c>rise</c> passes is
    /// cleared of a passive blacklisting too, without waiting out -b. True when the verdict changed.
    /// </summary>
    public bool RecordCheck(ServerState server, bool passed, string result, int rise, int fall)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_gate)
        {
            var changed = server.Health.Record(passed, result, rise, fall, ReadContext().Now);
            if (changed && !server.Health.CheckedDown) server.FailedAt = null;
            return changed;
        }
    }

    /// <summary>Checks of <paramref name="server"/> were turned off: it has no verdict, and is up if it was down.</summary>
    public void ForgetChecks(ServerState server)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_gate)
        {
            server.Health.Forget(ReadContext().Now);
        }
    }

    private SelectionContext ReadContext() =>
        new(_settings.Flags, _time.GetUtcNow(), TimeSpan.FromSeconds(Math.Max(0, _settings.BlacklistSeconds)),
            _settings.Health.SlowStartSeconds ?? 0);

    /// <summary>
    /// Down, draining or in maintenance: a returning client is given a new server by the mode, as a new one would be
    /// (a blacklisted server keeps pen's way: refused by the gate, then failover in index order).
    /// </summary>
    private static bool IsTakenOut(ServerState server, in SelectionContext context) =>
        server.Availability(context.Now, context.BlacklistTime) is ServerAvailability.Down or ServerAvailability.Draining
            or ServerAvailability.Maintenance;

    /// <summary>pen's initial_server after the client ACL: stickiness, then prio, weight, hash or round-robin.</summary>
    private int InitialServer(in PickRequest request)
    {
        var flags = request.Context;
        if (!flags.Has(SelectionFlags.RoundRobin | SelectionFlags.NoSave)
            && ServerIndex.IsRegular(request.StoredServer)
            && request.StoredServer < Servers.Count
            && !IsTakenOut(Servers.Regular[request.StoredServer], request.Context))
        {
            return request.StoredServer;
        }

        IInitialPick pick =
            flags.Has(SelectionFlags.Prio) ? _priority
            : flags.Has(SelectionFlags.Weight) ? _weight
            : flags.Has(SelectionFlags.Hash) ? _hash
            : _roundRobin;
        return pick.Pick(Servers.Slots, request);
    }
}
