using System.Net;
using System.Net.Sockets;
using Quill.Core.Selection;
using Quill.Diagnostics;
using Quill.Net.Forwarding;
using Quill.Net.Upstream;

namespace Quill.Hosting;

/// <summary>One accepted client: choose a server, connect with failover, forward until both sides are done.</summary>
internal sealed class ClientSession(
    ServerSelector selector, TimeSpan connectTimeout, DebugLog log, ForwardingMode forwarding = ForwardingMode.Auto)
{
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
                var connect = await UpstreamConnector.ConnectAsync(target, connectTimeout, stopping).ConfigureAwait(false);
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
            var result = await ConnectionForwarder.ForwardAsync(client, upstream, stopping, mode: forwarding).ConfigureAwait(false);
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
