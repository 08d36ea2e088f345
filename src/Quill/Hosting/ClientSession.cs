using System.Net;
using System.Net.Sockets;
using Quill.Core.Selection;
using Quill.Diagnostics;
using Quill.Net.Forwarding;
using Quill.Net.Tls;
using Quill.Net.Upstream;

namespace Quill.Hosting;

/// <summary>One accepted client: choose a server, connect with failover, forward until both sides are done.</summary>
/// <param name="filterFor">Gives each client's stream filter (-H), from the client's address; null forwards untouched.</param>
/// <param name="tls">Terminates TLS (-E) once the server is connected; null forwards the client's bytes as they are.</param>
/// <param name="tuning">tcp_nodelay, keepalive, source, idle_timeout, tcp_fastclose.</param>
internal sealed class ClientSession(
    ServerSelector selector, TimeSpan connectTimeout, DebugLog log, Func<IPEndPoint?, IClientStreamFilter?>? filterFor = null,
    TlsTermination? tls = null, ConnectionTuning? tuning = null)
{
    private readonly ConnectionTuning _tuning = tuning ?? ConnectionTuning.Default;

    public async Task RunAsync(Socket client, CancellationToken stopping)
    {
        var remote = client.RemoteEndPoint as IPEndPoint;
        var attempt = selector.Begin(remote?.Address, remote?.Port ?? 0);
        long toServer = 0, toClient = 0;
        try
        {
            Socket? upstream = null;
            while (upstream is null && attempt.ServerEndPoint is { } target)
            {
                var connect = await UpstreamConnector.ConnectAsync(
                    target, connectTimeout, stopping, _tuning.NoDelay, _tuning.KeepAlive, _tuning.Source).ConfigureAwait(false);
                upstream = connect.Socket;
                if (upstream is not null)
                {
                    selector.Connected(attempt);
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
            if (_tuning.NoDelay && remote is not null) client.NoDelay = true;
            var result = tls is null
                ? await ConnectionForwarder.ForwardAsync(client, upstream, stopping, filterFor?.Invoke(remote), _tuning.Lifetime).ConfigureAwait(false)
                : await TlsForwarder.ForwardAsync(client, upstream, tls, stopping, filterFor?.Invoke(remote),
                    why => log.Write(1, $"TLS handshake with client {Describe(remote)} failed: {why}"), _tuning.Lifetime).ConfigureAwait(false);
            (toServer, toClient) = (result.BytesToServer, result.BytesToClient);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            client.Dispose();
        }
        finally
        {
            selector.Finished(attempt, toServer, toClient);
        }
    }

    private static string Describe(IPEndPoint? remote) => remote?.ToString() ?? "unix";
}
