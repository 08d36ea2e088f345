using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Peers;
using Quill.Diagnostics;
using Quill.Net;

namespace Quill.Peers;

/// <summary>
/// <c>peer_listen</c>: takes peers' client tables. Each connection gets a fresh nonce, then every frame must carry the
/// shared key's signature over it, in order; the first bad frame (random bytes, another key, a replay) is counted and
/// logged and ends the connection, having changed nothing. A connection silent past <see cref="PeerTiming.Silence"/>
/// (no heartbeat) is closed too. At most <see cref="MaxConnections"/> at a time.
/// </summary>
internal sealed class PeerReceiver : IDisposable
{
    private const int MaxConnections = 16;

    private readonly Socket _listener;
    private readonly PeerSettings _settings;
    private readonly Func<AssignmentApplier> _applier;
    private readonly BalancerCounters _counters;
    private readonly DebugLog _log;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    private PeerReceiver(Socket listener, PeerSettings settings, Func<AssignmentApplier> applier, BalancerCounters counters, DebugLog log)
    {
        (_listener, _settings, _applier, _counters, _log) = (listener, settings, applier, counters, log);
        _ = Task.Run(AcceptAsync);
    }

    public EndPoint? LocalEndPoint => _listener.LocalEndPoint;

    /// <returns>The open receiver, or null with a one-line <paramref name="error"/>.</returns>
    public static PeerReceiver? Open(ListenSpec spec, PeerSettings settings, Func<AssignmentApplier> applier, BalancerCounters counters,
        DebugLog log, out string error)
    {
        error = "";
        Socket? listener = null;
        try
        {
            var endPoint = EndPointResolver.ResolveListen(spec);
            listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endPoint);
            listener.Listen(MaxConnections);
            return new PeerReceiver(listener, settings, applier, counters, log);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
        }
        catch (SocketException e)
        {
            error = $"cannot listen on {spec.Text}: {SocketErrorText.Describe(e.SocketErrorCode)}";
        }

        listener?.Dispose();
        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket peer;
            try
            {
                peer = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _log.Write(0, $"peer_listen: accept failed: {SocketErrorText.Describe(e.SocketErrorCode)}");
                continue;
            }

            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                _log.Write(0, $"peer_listen: {peer.RemoteEndPoint} refused: {MaxConnections} peers connected already");
                peer.Dispose();
                continue;
            }

            _ = Task.Run(() => ServeAsync(peer));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var from = socket.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            using (socket)
            {
                if (_settings.Key is not { } key)
                {
                    _log.Write(0, $"peer_listen: {from} refused: no peer_key set");
                    return;
                }

                var nonce = RandomNumberGenerator.GetBytes(PeerFraming.NonceLength);
                await socket.SendAsync(PeerFraming.Hello(nonce), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                using var opener = new PeerFrameOpener(key, nonce);
                if (await ReceiveAsync(socket, opener, _applier(), key).ConfigureAwait(false) is { } bad)
                {
                    _counters.Peer("bad");
                    _log.Write(0, $"peer_listen: bad frame from {from}: {bad}; connection closed, nothing applied from it");
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested) _log.Write(1, $"peer_listen: {from} gone: {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <returns>Null when the peer closed or went silent, or peer_key changed; else why its last frame was bad.</returns>
    private async Task<string?> ReceiveAsync(Socket socket, PeerFrameOpener opener, AssignmentApplier applier, byte[] key)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            silence.CancelAfter(PeerTiming.Silence);
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, silence.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                _log.Write(0, $"peer_listen: {socket.RemoteEndPoint} silent for {PeerTiming.Silence.TotalSeconds:F0} s; closed");
                return null;
            }

            if (read == 0) return null;
            if (!ReferenceEquals(_settings.Key, key))
            {
                // The peer must come back under the new key; what it sent under the old one is not applied.
                _log.Write(1, $"peer_listen: {socket.RemoteEndPoint}: peer_key changed; closed");
                return null;
            }

            filled += read;
            var start = 0;
            while (true)
            {
                var outcome = opener.TryOpen(buffer.AsSpan(start, filled - start), out var body, out var consumed, out var error);
                if (outcome == PeerFrameOpener.Outcome.Incomplete) break;
                if (outcome == PeerFrameOpener.Outcome.Bad) return error;
                if (Apply(buffer.AsSpan(start, filled - start)[body], applier) is { } malformed) return malformed;
                start += consumed;
            }

            buffer.AsSpan(start, filled - start).CopyTo(buffer);
            filled -= start;
        }
    }

    /// <returns>Null when the body was a heartbeat or an assignment; else why it is neither.</returns>
    private string? Apply(ReadOnlySpan<byte> body, AssignmentApplier applier)
    {
        if (body[0] == PeerFrameBody.Heartbeat) return body.Length == 1 ? null : "heartbeat with a payload";
        if (body[0] != PeerFrameBody.Assignment) return $"unknown frame type {body[0]}";
        if (!PeerFrameBody.TryReadAssignment(body, out var assignment, out var error)) return error;
        _counters.Peer(applier.Apply(assignment) switch
        {
            AssignmentApplier.Outcome.Applied => "applied",
            AssignmentApplier.Outcome.Older => "older",
            _ => "unknown_server",
        });
        return null;
    }
}
