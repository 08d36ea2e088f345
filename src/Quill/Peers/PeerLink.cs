using System.Net;
using System.Net.Sockets;
using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Peers;
using Quill.Diagnostics;
using Quill.Net;

namespace Quill.Peers;

/// <summary>
/// One <c>peer</c>: connects to it, sends the whole client table, then each change as it happens and a heartbeat
/// when there is none; on any failure it waits (100 ms, doubling up to 5 s) and starts again with a whole table, so
/// a peer that restarts, or a link that was cut, always ends up with a full copy.
/// </summary>
internal sealed class PeerLink : IDisposable
{
    private const int BatchBytes = 64 * 1024;
    private const int TcpUserTimeout = 18;

    private readonly ListenSpec _peer;
    private readonly PeerSettings _settings;
    private readonly ClientChanges _changes;
    private readonly ServerTable _servers;
    private readonly ClientTable _clients;
    private readonly BalancerCounters _counters;
    private readonly DebugLog _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private string? _lastFailure;

    private PeerLink(ListenSpec peer, PeerSettings settings, ClientChanges changes, ServerTable servers, ClientTable clients,
        BalancerCounters counters, DebugLog log, TimeProvider time)
    {
        (_peer, _settings, _changes, _servers, _clients, _counters, _log, _time) = (peer, settings, changes, servers, clients, counters, log, time);
    }

    public static PeerLink Start(ListenSpec peer, PeerSettings settings, ClientChanges changes, ServerTable servers, ClientTable clients,
        BalancerCounters counters, DebugLog log, TimeProvider time)
    {
        var link = new PeerLink(peer, settings, changes, servers, clients, counters, log, time);
        link._running = Task.Run(link.RunAsync);
        return link;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _stop.Dispose();
    }

    public void Dispose() => _ = StopAsync();

    private async Task RunAsync()
    {
        var retry = PeerTiming.FirstRetry;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (await SendAsync(_stop.Token).ConfigureAwait(false)) retry = PeerTiming.FirstRetry;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                Failed(e is SocketException s ? Net.SocketErrorText.Describe(s.SocketErrorCode) : e.Message);
            }

            try
            {
                await Task.Delay(retry, _time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, PeerTiming.LastRetry.Ticks));
        }
    }

    /// <summary>One connection's life. Returns whether it got as far as sending (so the next try starts soon again).</summary>
    private async Task<bool> SendAsync(CancellationToken stop)
    {
        if (_settings.Key is not { } key)
        {
            Failed("no peer_key yet");
            return false;
        }

        using var socket = await ConnectAsync(stop).ConfigureAwait(false);
        var nonce = await ReadHelloAsync(socket, stop).ConfigureAwait(false);
        using var sealer = new PeerFrameSealer(key, nonce);
        using var subscription = _changes.Subscribe();
        var batch = new FrameBatch(socket, sealer, _counters);
        var sent = await SendTableAsync(batch, stop).ConfigureAwait(false);
        _log.Write(_lastFailure is null ? 1 : 0, $"peer {_peer.Text}: connected, sent the client table ({sent} clients)");
        _lastFailure = null;
        while (!stop.IsCancellationRequested && ReferenceEquals(_settings.Key, key))
        {
            if (subscription.Behind)
            {
                // Changes were dropped while the peer was slow: a whole copy makes up for them.
                _counters.Peer("full_copy");
                subscription.StartOver();
                await SendTableAsync(batch, stop).ConfigureAwait(false);
            }

            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stop);
            quiet.CancelAfter(PeerTiming.Heartbeat);
            bool waiting;
            try
            {
                waiting = await subscription.Changes.WaitToReadAsync(quiet.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                await batch.HeartbeatAsync(stop).ConfigureAwait(false);
                continue;
            }

            if (!waiting) break;
            while (subscription.Changes.TryRead(out var change))
            {
                if (Describe(change.Client, change.Server, TimeSpan.Zero) is { } assignment) await batch.AddAsync(assignment, stop).ConfigureAwait(false);
            }

            await batch.FlushAsync(stop).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<int> SendTableAsync(FrameBatch batch, CancellationToken stop)
    {
        var now = _time.GetUtcNow();
        var sent = 0;
        foreach (var client in _clients.Snapshot())
        {
            if (client.Address is not { } address || Describe(address, client.Server, now - client.Last) is not { } assignment) continue;
            await batch.AddAsync(assignment, stop).ConfigureAwait(false);
            sent++;
        }

        await batch.FlushAsync(stop).ConfigureAwait(false);
        return sent;
    }

    private ClientAssignment? Describe(IPAddress client, int server, TimeSpan age) =>
        AssignmentApplier.AddressOf(_servers, server) is { } at ? new ClientAssignment(client, at.Address, at.Port, age) : null;

    private async Task<Socket> ConnectAsync(CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(PeerTiming.Connect);
        var addresses = await Dns.GetHostAddressesAsync(_peer.Host!, timeout.Token).ConfigureAwait(false);
        if (addresses.Length == 0) throw new IOException($"{_peer.Host} has no address");
        var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Unacknowledged frames past this time end the connection: a cut link fails in seconds, not in the
            // quarter of an hour TCP retransmits for by default.
            socket.SetRawSocketOption((int)SocketOptionLevel.Tcp, TcpUserTimeout,
                BitConverter.GetBytes((int)PeerTiming.Silence.TotalMilliseconds));
            await socket.ConnectAsync(new IPEndPoint(addresses[0], _peer.Port), timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<byte[]> ReadHelloAsync(Socket socket, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(PeerTiming.Silence);
        var hello = new byte[PeerFraming.HelloLength];
        var filled = 0;
        while (filled < hello.Length)
        {
            var read = await socket.ReceiveAsync(hello.AsMemory(filled), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            if (read == 0) throw new IOException("closed before its hello (is peer_key set there?)");
            filled += read;
        }

        return PeerFraming.TryReadHello(hello, out var nonce) ? nonce : throw new IOException("not a quill peer_listen socket");
    }

    /// <summary>Logs a failure once, not at every retry; the next success is logged at level 0 too.</summary>
    private void Failed(string reason)
    {
        if (reason == _lastFailure) return;
        _lastFailure = reason;
        _log.Write(0, $"peer {_peer.Text}: {reason}; retrying");
    }

    /// <summary>Frames gathered into one send.</summary>
    private sealed class FrameBatch(Socket socket, PeerFrameSealer sealer, BalancerCounters counters)
    {
        private readonly byte[] _buffer = new byte[BatchBytes];
        private readonly byte[] _body = new byte[PeerFrameBody.MaxLength];
        private int _filled;
        private int _frames;

        public async ValueTask AddAsync(ClientAssignment assignment, CancellationToken stop)
        {
            var length = PeerFrameBody.WriteAssignment(assignment, _body);
            if (length == 0) return;
            if (_filled + PeerFraming.MaxFrameLength > _buffer.Length) await FlushAsync(stop).ConfigureAwait(false);
            _filled += sealer.Seal(_body.AsSpan(0, length), _buffer.AsSpan(_filled));
            _frames++;
        }

        public async ValueTask HeartbeatAsync(CancellationToken stop)
        {
            _body[0] = PeerFrameBody.Heartbeat;
            _filled += sealer.Seal(_body.AsSpan(0, 1), _buffer.AsSpan(_filled));
            await FlushAsync(stop).ConfigureAwait(false);
        }

        public async ValueTask FlushAsync(CancellationToken stop)
        {
            var sent = 0;
            while (sent < _filled)
            {
                sent += await socket.SendAsync(_buffer.AsMemory(sent, _filled - sent), SocketFlags.None, stop).ConfigureAwait(false);
            }

            _filled = 0;
            if (_frames > 0) counters.Peer("sent", _frames);
            _frames = 0;
        }
    }
}
