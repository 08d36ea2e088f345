using System.Net;
using Quill.Core.Configuration;
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
    /// Records the client, picks the initial server and reserves a connection on the first server that accepts
    /// (initial pick, then the failover scan, then the emergency server). <paramref name="client"/> is null for
    /// unix-socket clients.
    /// </summary>
    public ConnectionAttempt Begin(IPAddress? client, int clientPort)
    {
        var key = ClientKey.From(client);
        lock (_gate)
        {
            var context = ReadContext();
            var attempt = new ConnectionAttempt { Client = client, Server = ServerIndex.None };
            attempt.ClientSlot = Clients.Record(key, out var generation);
            attempt.ClientGeneration = generation;

            if (Admission?.AllowsClient(client) == false)
            {
                attempt.Denied = true;
                attempt.InitialServer = Servers.Abuse is null ? ServerIndex.None : ServerIndex.Abuse;
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
            if (attempt.HoldsServer && Servers[attempt.Server] is { } server && server.FailedAt == attempt.ServerFailedAt)
            {
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

    private SelectionContext ReadContext() =>
        new(_settings.Flags, _time.GetUtcNow(), TimeSpan.FromSeconds(Math.Max(0, _settings.BlacklistSeconds)));

    /// <summary>pen's initial_server after the client ACL: stickiness, then prio, weight, hash or round-robin.</summary>
    private int InitialServer(in PickRequest request)
    {
        var flags = request.Context;
        if (!flags.Has(SelectionFlags.RoundRobin | SelectionFlags.NoSave)
            && ServerIndex.IsRegular(request.StoredServer)
            && request.StoredServer < Servers.Count)
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
