namespace Quill.Core.Model;

/// <summary>
/// Process-wide event counts since start, for /metrics: each is bumped where the event happens (the connection
/// lifecycle, the ACL check, the control dispatcher...) with one interlocked add, and read at scrape time.
/// </summary>
public sealed class BalancerCounters
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _tlsFailures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _reloads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _proxyHeaders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _peers = new(StringComparer.Ordinal);
    private long _accepted;
    private long _refusedByAcl;
    private long _limitReached;
    private long _udpSessions;
    private long _tlsHandshakes;
    private long _httpRequests;
    private long _controlCommands;
    private long _sockmapConnections;
    private int _sockmapEnabled;

    /// <summary>TCP and TLS clients accepted (each starts one connection lifecycle).</summary>
    public long Accepted => Volatile.Read(ref _accepted);
    /// <summary>Clients client_acl denied (sent to the abuse server, or closed without one).</summary>
    public long RefusedByAcl => Volatile.Read(ref _refusedByAcl);

    /// <summary>Times accepting stopped with clients ready because -x connections were open; they wait, as in pen.</summary>
    public long LimitReached => Volatile.Read(ref _limitReached);
    /// <summary>UDP sessions started (one per client address and port).</summary>
    public long UdpSessions => Volatile.Read(ref _udpSessions);
    /// <summary>TLS handshakes completed with clients.</summary>
    public long TlsHandshakes => Volatile.Read(ref _tlsHandshakes);
    /// <summary>HTTP requests followed on -H connections.</summary>
    public long HttpRequests => Volatile.Read(ref _httpRequests);
    /// <summary>Control commands run (-o, -F, the control port, include, HUP).</summary>
    public long ControlCommands => Volatile.Read(ref _controlCommands);

    /// <summary>Plain TCP connections whose bytes the kernel relayed (sockmap), one or both ways.</summary>
    public long SockmapConnections => Volatile.Read(ref _sockmapConnections);
    /// <summary>The kernel relays plain connections (sockmap loaded at start-up and not turned off).</summary>
    public bool SockmapEnabled => Volatile.Read(ref _sockmapEnabled) == 1;

    public void SockmapConnectionJoined() => Interlocked.Increment(ref _sockmapConnections);
    public void SockmapReady() => Volatile.Write(ref _sockmapEnabled, 1);

    public void ClientAccepted() => Interlocked.Increment(ref _accepted);
    public void ClientRefusedByAcl() => Interlocked.Increment(ref _refusedByAcl);
    public void ConnectionLimitReached() => Interlocked.Increment(ref _limitReached);
    public void UdpSessionStarted() => Interlocked.Increment(ref _udpSessions);
    public void HttpRequestSeen() => Interlocked.Increment(ref _httpRequests);
    public void ControlCommandRun() => Interlocked.Increment(ref _controlCommands);

    /// <param name="failure">Null for a completed handshake, else a short reason from a closed set ("timeout"...).</param>
    public void TlsHandshake(string? failure)
    {
        if (failure is null) Interlocked.Increment(ref _tlsHandshakes);
        else Add(_tlsFailures, failure);
    }

    /// <param name="result">"success" or "failure" (what a reload of the -F file came to).</param>
    public void ConfigReload(string result) => Add(_reloads, result);

    /// <param name="result">What accept_proxy did with a connection: "accepted", or closed for an "invalid" header
    /// (missing, malformed, oversized, or the sender closed first), a "timeout", or a sender the ACL "denied".</param>
    public void ProxyHeader(string result) => Add(_proxyHeaders, result);

    /// <param name="result">What the client-table sync did with frames: "sent"; received and "applied", ignored as
    /// "older" than what this table knows, or naming an "unknown_server"; "bad" (one per connection it ends); and
    /// "full_copy", a whole table sent again because changes were dropped while a peer was slow.</param>
    public void Peer(string result, long count = 1) => Add(_peers, result, count);

    public KeyValuePair<string, long>[] Peers() => Read(_peers);

    public KeyValuePair<string, long>[] TlsFailures() => Read(_tlsFailures);

    public KeyValuePair<string, long>[] ProxyHeaders() => Read(_proxyHeaders);

    public KeyValuePair<string, long>[] ConfigReloads() => Read(_reloads);

    private void Add(Dictionary<string, long> counts, string key, long count = 1)
    {
        lock (_gate) counts[key] = counts.GetValueOrDefault(key) + count;
    }

    private KeyValuePair<string, long>[] Read(Dictionary<string, long> counts)
    {
        lock (_gate) return [.. counts];
    }
}
