using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.EndToEnd.Tests.Backends;

/// <summary>
/// A backend that greets every connection with its name and a newline, so a client can tell which server the
/// balancer chose. It then closes, or, when held open, echoes until the client closes.
/// </summary>
internal sealed class NamedBackend : IDisposable
{
    private readonly SocketAcceptor _acceptor;
    private readonly byte[] _greeting;
    private readonly bool _holdOpen;

    private NamedBackend(string name, bool holdOpen, IEnumerable<EndPoint> endpoints)
    {
        Name = name;
        _holdOpen = holdOpen;
        _greeting = Encoding.ASCII.GetBytes(name + "\n");
        _acceptor = new SocketAcceptor(endpoints, ServeAsync);
    }

    public string Name { get; }

    /// <summary>The server argument for the balancer's command line.</summary>
    public string Spec => _acceptor.LocalEndPoint switch
    {
        IPEndPoint ip => $"127.0.0.1:{ip.Port}",
        var other => other.ToString()!,
    };

    public int Port => ((IPEndPoint)_acceptor.LocalEndPoint).Port;

    public int Accepted => _acceptor.Accepted;

    public int Open => _acceptor.Open;

    public static NamedBackend OnLoopback(string name, int port = 0, bool holdOpen = false) =>
        new(name, holdOpen, [new IPEndPoint(IPAddress.Loopback, port)]);

    /// <summary>Listens on 127.0.0.1 and ::1 at once, for a server named "localhost" whichever way it resolves.</summary>
    public static NamedBackend OnBothLoopbacks(string name, int port) =>
        new(name, false, [new IPEndPoint(IPAddress.Loopback, port), new IPEndPoint(IPAddress.IPv6Loopback, port)]);

    public static NamedBackend OnUnixSocket(string name, string path, bool holdOpen = false) =>
        new(name, holdOpen, [new UnixDomainSocketEndPoint(path)]);

    private async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        await connection.SendAsync(_greeting, SocketFlags.None, stopping).ConfigureAwait(false);
        if (!_holdOpen)
            return;
        var buffer = new byte[4096];
        while (true)
        {
            var read = await connection.ReceiveAsync(buffer, SocketFlags.None, stopping).ConfigureAwait(false);
            if (read == 0)
                return;
            await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stopping).ConfigureAwait(false);
        }
    }

    public void Dispose() => _acceptor.Dispose();
}
