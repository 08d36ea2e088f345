using System.Net.Sockets;
using Quill.Core.Control;
using Quill.Net.Connections;
using Quill.Net.Diagnostics;

namespace Quill.Net.Dummy;

/// <summary>dummy: no server is chosen or charged; the connection is still listed, so close N reaches it.</summary>
internal sealed class DummyConnection : IListedConnection
{
    private readonly Socket _client;
    private readonly CancellationTokenSource _closing;
    private readonly long _descriptor;

    private DummyConnection(Socket client, CancellationToken stopping)
    {
        _client = client;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _descriptor = (long)client.SafeHandle.DangerousGetHandle();
    }

    public int Id { get; set; } = -1;

    public static async Task ServeAsync(Socket client, ConnectionRegistry registry, IDebugLog log, CancellationToken stopping)
    {
        var remote = client.RemoteEndPoint?.ToString() ?? "unix";
        var connection = new DummyConnection(client, stopping);
        registry.Add(connection);
        try
        {
            var (received, sent) = await DummyWebServer.ServeAsync(client, connection._closing.Token).ConfigureAwait(false);
            log.Write(2, $"dummy: client {remote} sent {received} bytes, answered with {sent}");
        }
        finally
        {
            registry.Release(connection);
            connection._closing.Dispose();
        }
    }

    /// <summary>As pen lists it: connecting, to no server.</summary>
    public ConnectionView View() => new(1, _descriptor, -1, -1, 0, 1);

    public void Close()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Over already.
        }
    }

    public void ReportTraffic()
    {
    }
}
