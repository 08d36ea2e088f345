using System.Net;
using System.Net.Sockets;
using Quill.Core.Control;
using Quill.Core.Health;
using Quill.Core.Selection;
using Quill.Diagnostics;
using Quill.Net.Connections;
using Quill.Net.Upstream;

namespace Quill.Hosting;

/// <summary>
/// pen's idlers: up to <see cref="RuntimeSettings.IdlersWanted"/> upstream connections made in advance to the server
/// the round robin picks next, so a client chosen for that server skips the connect. Idlers do not change which
/// server a client gets; they only save its connect. One that the server closed meanwhile is discarded, and the pool
/// refills in the background after each hand-out and every second.
/// </summary>
internal sealed class IdlerPool(
    ServerSelector selector, RuntimeSettings settings, Func<TimeSpan> connectTimeout, DebugLog log) : IIdlers, IDisposable
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly List<Idler> _idle = [];
    private readonly SemaphoreSlim _wake = new(0);
    private bool _disposed;

    private sealed record Idler(int Server, EndPoint Target, Socket Socket);

    /// <summary>Idle connections ready now.</summary>
    public int Ready
    {
        get { lock (_gate) return _idle.Count; }
    }

    public IdleUpstream? Take(int server, EndPoint target)
    {
        // No idlers wanted (pen's default): nothing to hand out and nothing to refill, so no lock and no wake of the
        // pool's loop, which cost every client a thread-pool hand-off (futex, sched_yield). The idlers command
        // trims the pool itself when it lowers the number.
        if (settings.IdlersWanted <= 0) return null;
        Socket? taken = null;
        lock (_gate)
        {
            for (var i = 0; i < _idle.Count && taken is null; i++)
            {
                var idler = _idle[i];
                if (idler.Server != server || !idler.Target.Equals(target)) continue;
                _idle.RemoveAt(i--);
                if (IsAlive(idler.Socket)) taken = idler.Socket;
                else idler.Socket.Dispose();
            }
        }
        Wake();
        return taken is null ? null : new IdleUpstream(taken);
    }

    /// <summary>The idlers command changed the wanted number: trim at once, fill in the background.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            if (_disposed) return;
            while (_idle.Count > Math.Max(0, settings.IdlersWanted))
            {
                _idle[^1].Socket.Dispose();
                _idle.RemoveAt(_idle.Count - 1);
            }
        }
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                DiscardDead();
                Wake();
                if (_wake.CurrentCount > 0) await _wake.WaitAsync(stopping).ConfigureAwait(false);
                while (Ready < settings.IdlersWanted && await FillOneAsync(stopping).ConfigureAwait(false))
                {
                }
                await _wake.WaitAsync(Recheck, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: Dispose closes the idlers.
        }
    }

    /// <summary>Connects one idler to the server after pen's current one that has the fewest idlers.</summary>
    /// <returns>False when no server could be connected to; the next round tries again.</returns>
    private async Task<bool> FillOneAsync(CancellationToken stopping)
    {
        var servers = selector.Servers.Regular;
        if (servers.Count == 0) return false;
        var start = selector.Current + 1;
        var candidates = new List<int>();
        lock (_gate)
        {
            for (var k = 0; k < servers.Count; k++)
                candidates.Add(((start + k) % servers.Count + servers.Count) % servers.Count);
            // An idler for a server that takes no new client would never be used.
            candidates.RemoveAll(i => !servers[i].IsUsed
                || selector.Availability(i) is ServerAvailability.Down or ServerAvailability.Draining or ServerAvailability.Maintenance);
            candidates = [.. candidates.OrderBy(i => _idle.Count(idler => idler.Server == i))];
        }
        foreach (var server in candidates)
        {
            var target = servers[server].EndPoint;
            var connect = await UpstreamConnector.ConnectAsync(target, connectTimeout(), stopping,
                settings.TcpNoDelay, settings.KeepAlive, settings.SourceAddress).ConfigureAwait(false);
            if (connect.Socket is not { } socket)
            {
                log.Write(2, $"idler: connect to server {server} at {target} failed: {connect.Reason}");
                continue;
            }
            lock (_gate)
            {
                if (_disposed || _idle.Count >= settings.IdlersWanted)
                {
                    socket.Dispose();
                    return false;
                }
                _idle.Add(new Idler(server, target, socket));
            }
            log.Write(2, $"idler: connected to server {server}");
            return true;
        }
        return false;
    }

    /// <summary>Drops idlers the server closed, and those to a server whose address the server command changed
    /// (never taken, they would hold their place in the pool for good).</summary>
    private void DiscardDead()
    {
        var servers = selector.Servers.Regular;
        lock (_gate)
        {
            for (var i = _idle.Count - 1; i >= 0; i--)
            {
                var idler = _idle[i];
                if (idler.Server < servers.Count && servers[idler.Server].EndPoint.Equals(idler.Target) && IsAlive(idler.Socket))
                    continue;
                _idle[i].Socket.Dispose();
                _idle.RemoveAt(i);
            }
        }
    }

    /// <summary>Readable with nothing to read means the server closed or reset it; data it sent early is kept
    /// for the client.</summary>
    private static bool IsAlive(Socket socket)
    {
        try
        {
            return !socket.Poll(0, SelectMode.SelectRead) || socket.Available > 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var idler in _idle) idler.Socket.Dispose();
            _idle.Clear();
        }
        _wake.Dispose();
    }
}
