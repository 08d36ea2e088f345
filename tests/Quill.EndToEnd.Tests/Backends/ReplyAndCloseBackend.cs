using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// A backend that reads the request until the client's half-close, then sends its reply and closes at once,
/// so the reply and the FIN reach the balancer together: the case in which pen loses the tail.
/// </summary>
internal sealed class ReplyAndCloseBackend : IDisposable
{
    private readonly SocketAcceptor _acceptor;

    public ReplyAndCloseBackend() =>
        _acceptor = new SocketAcceptor([new IPEndPoint(IPAddress.Loopback, 0)], ServeAsync);

    public string Spec => $"127.0.0.1:{((IPEndPoint)_acceptor.LocalEndPoint).Port}";

    public static string ReplyTo(string request) => "reply to " + request;

    private static async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        var request = new MemoryStream();
        var buffer = new byte[1024];
        int read;
        while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false)) > 0)
            request.Write(buffer, 0, read);
        var reply = Encoding.ASCII.GetBytes(ReplyTo(Encoding.ASCII.GetString(request.ToArray())));
        await connection.SendAsync(reply, SocketFlags.None, stopping).ConfigureAwait(false);
    }

    public void Dispose() => _acceptor.Dispose();
}
