using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Core.Peers;
using Quill.Diagnostics;

namespace Quill.Peers;

/// <summary>
/// The client-table sync (docs/ha.md): one <see cref="PeerLink"/> per <c>peer</c>, sending this table, and the
/// <c>peer_listen</c> socket (<see cref="PeerReceiver"/>), taking theirs. All of it runs on thread-pool tasks with
/// ordinary sockets, never on the event loops that forward; the data path only drops changes into bounded queues.
/// </summary>
internal sealed class PeerSync : IAsyncDisposable
{
    private readonly PeerSettings _settings;
    private readonly ServerTable _servers;
    private readonly ClientTable _clients;
    private readonly BalancerCounters _counters;
    private readonly DebugLog _log;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PeerLink> _links = new(StringComparer.Ordinal);
    private PeerReceiver? _receiver;
    private ListenSpec? _listening;

    public PeerSync(RuntimeSettings settings, ServerTable servers, ClientTable clients, BalancerCounters counters, DebugLog log, TimeProvider time)
    {
        (_settings, _servers, _clients, _counters, _log, _time) = (settings.Peers, servers, clients, counters, log, time);
        _clients.Changes = Changes;
    }

    public ClientChanges Changes { get; } = new();

    public string? ListenText => _listening?.Text;

    /// <summary>Where the receiver listens (the port actually bound for port 0); null while closed.</summary>
    public EndPoint? LocalEndPoint => _receiver?.LocalEndPoint;

    /// <returns>Null when listening at <paramref name="spec"/> (the old socket, if any, closed); else why not.</returns>
    public string? TryListen(ListenSpec spec)
    {
        lock (_gate)
        {
            if (_receiver is not null && _listening?.Text == spec.Text) return null;
        }

        var opened = PeerReceiver.Open(spec, _settings, () => new AssignmentApplier(_servers, _clients, _time), _counters, _log, out var error);
        if (opened is null) return error;
        lock (_gate)
        {
            _receiver?.Dispose();
            (_receiver, _listening) = (opened, spec);
        }

        _log.Write(1, $"peer_listen on {spec.Text}");
        return null;
    }

    public void CloseListen()
    {
        lock (_gate)
        {
            _receiver?.Dispose();
            (_receiver, _listening) = (null, null);
        }
    }

    /// <summary>Takeover, old side: frees the address for the next process; returns how to listen again should it fail.</summary>
    public Func<string?>? Release()
    {
        ListenSpec? spec;
        lock (_gate) spec = _listening;
        if (spec is null) return null;
        CloseListen();
        return () => TryListen(spec);
    }

    /// <summary>peer or peer_key changed: a link per named peer, each reconnecting when the key changes.</summary>
    public void Reconcile()
    {
        var wanted = _settings.Peers;
        lock (_gate)
        {
            foreach (var gone in _links.Keys.Where(text => wanted.All(p => p.Text != text)).ToList())
            {
                _links[gone].Dispose();
                _links.Remove(gone);
            }

            foreach (var peer in wanted.Where(p => !_links.ContainsKey(p.Text)))
            {
                _links[peer.Text] = PeerLink.Start(peer, _settings, Changes, _servers, _clients, _counters, _log, _time);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<PeerLink> links;
        lock (_gate)
        {
            links = [.. _links.Values];
            _links.Clear();
        }

        CloseListen();
        foreach (var link in links) await link.StopAsync().ConfigureAwait(false);
        _clients.Changes = null;
    }
}
