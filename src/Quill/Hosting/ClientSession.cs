using System.Net;
using System.Net.Sockets;
using Quill.Core.Selection;
using Quill.Diagnostics;
using Quill.Core.Control;
using Quill.Net.Dummy;
using Quill.Net.Forwarding;
using Quill.Net.Tls;
using Quill.Net.Upstream;
using Quill.Operations;

namespace Quill.Hosting;

/// <summary>One accepted client: choose a server, connect with failover, forward until both sides are done.</summary>
/// <param name="connectTimeout">Read for every connect, so the timeout command takes effect at once.</param>
/// <param name="connections">Numbers the connection for connection N, close N and the status page.</param>
/// <param name="reporting">Access log and data dumps for this connection's client stream.</param>
/// <param name="settings">dummy, transparent, -H, idle_timeout, tcp_nodelay, keepalive, source, tcp_fastclose; read for every connection.</param>
/// <param name="forwarding">QUILL_FORWARDING: splice or buffers for streams no filter sees.</param>
internal sealed class ClientSession(
    ServerSelector selector, Func<TimeSpan> connectTimeout, DebugLog log, ConnectionRegistry connections, SessionReporting reporting,
    RuntimeSettings settings, TimeProvider time, ForwardingMode forwarding = ForwardingMode.Auto)
{
    /// <summary>Terminates TLS (-E) once the server is connected; set at start-up, after -o and -F (ssl_sni_path).</summary>
    public TlsTermination? Tls { get; set; }

    /// <summary>Pre-connected server connections (idlers), used before connecting anew.</summary>
    public IdlerPool? Idlers { get; set; }

    /// <summary>Serves one client and never throws: a session must not take the balancer down, so an error is reported
    /// and drops only this client.</summary>
    public async Task ServeAsync(Socket client, CancellationToken processStopping)
    {
        try
        {
            await RunAsync(client, processStopping).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            log.Write(0, $"connection ended with an error: {e.Message}");
            client.Dispose();
        }
    }

    private async Task RunAsync(Socket client, CancellationToken processStopping)
    {
        var remote = client.RemoteEndPoint as IPEndPoint;
        if (settings.Dummy)
        {
            await ServeDummyAsync(client, remote, processStopping).ConfigureAwait(false);
            return;
        }
        var attempt = selector.Begin(remote?.Address, remote?.Port ?? 0);
        var connection = connections.Open(client, attempt.ClientSlot, processStopping);
        var stopping = connection.Closing;
        log.Write(2, $"accepted client {Describe(remote)}, initial server {attempt.Server}");
        long toServer = 0, toClient = 0;
        var tuning = ConnectionTuning.From(settings, time);
        var transparentFrom = tuning.Transparent ? TransparentSource.For(remote, log) : null;
        try
        {
            Socket? upstream = null;
            while (upstream is null && attempt.ServerEndPoint is { } target)
            {
                connection.ConnectingTo(attempt.Server);
                // An idler comes from quill's own address, so transparent connections never take one.
                var connect = transparentFrom is null && Idlers?.Take(attempt.Server, target) is { } idle
                    ? new ConnectResult(idle, SocketError.Success)
                    : await UpstreamConnector.ConnectAsync(
                        target, connectTimeout(), stopping, tuning.NoDelay, tuning.KeepAlive, tuning.Source,
                        TransparentSource.Fits(transparentFrom, target, log)).ConfigureAwait(false);
                upstream = connect.Socket;
                if (upstream is not null)
                {
                    selector.Connected(attempt);
                    connection.Connected(upstream);
                    log.Write(1, $"client {Describe(remote)} connected to server {attempt.Server}");
                }
                else
                {
                    log.Write(0, $"blacklisting server {attempt.Server} because connect to {target} failed: {connect.Reason}");
                    if (!selector.FailOver(ref attempt)) break;
                }
            }
            if (upstream is null)
            {
                log.Write(1, $"no server accepts client {Describe(remote)}; closing it");
                client.Dispose();
                return;
            }
            var tls = Tls;
            var filter = ClientStreamFilters.For(
                reporting, settings.HttpHeaders, remote?.Address, attempt.ServerEndPoint!, https: tls is not null);
            if (tuning.NoDelay && remote is not null) client.NoDelay = true;
            var result = tls is null
                ? await ConnectionForwarder.ForwardAsync(client, upstream, stopping, filter, tuning.Lifetime, forwarding).ConfigureAwait(false)
                : await TlsForwarder.ForwardAsync(client, upstream, tls, stopping, filter,
                    why => log.Write(1, $"TLS handshake with client {Describe(remote)} failed: {why}"), tuning.Lifetime).ConfigureAwait(false);
            (toServer, toClient) = (result.BytesToServer, result.BytesToClient);
            log.Write(2, $"client {Describe(remote)} closed: {toServer} bytes to server {attempt.Server}, {toClient} bytes back");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            client.Dispose();
        }
        finally
        {
            selector.Finished(attempt, toServer, toClient);
            connections.Release(connection);
        }
    }

    /// <summary>dummy: no server is chosen or charged; the connection is still listed, so close N reaches it.</summary>
    private async Task ServeDummyAsync(Socket client, IPEndPoint? remote, CancellationToken processStopping)
    {
        var connection = connections.Open(client, -1, processStopping);
        try
        {
            var (received, sent) = await DummyWebServer.ServeAsync(client, connection.Closing).ConfigureAwait(false);
            log.Write(2, $"dummy: client {Describe(remote)} sent {received} bytes, answered with {sent}");
        }
        finally
        {
            connections.Release(connection);
        }
    }

    private static string Describe(IPEndPoint? remote) => remote?.ToString() ?? "unix";
}
