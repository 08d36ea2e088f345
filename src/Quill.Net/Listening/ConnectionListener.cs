using System.Net;
using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Listening;

/// <summary>A listening TCP (IPv4/IPv6) or unix stream socket.</summary>
public sealed class ConnectionListener : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _unixPath;
    private readonly bool _noDelay;
    private int _disposed;

    private ConnectionListener(Socket socket, string? unixPath, bool noDelay)
    {
        _socket = socket;
        _unixPath = unixPath;
        _noDelay = noDelay;
        LocalEndPoint = unixPath is null ? socket.LocalEndPoint! : new UnixDomainSocketEndPoint(unixPath);
    }

    /// <summary>Binds and listens. An existing unix socket file is replaced, as pen does.</summary>
    /// <param name="endPoint">An <see cref="IPEndPoint"/> or a <see cref="UnixDomainSocketEndPoint"/>.</param>
    /// <param name="backlog">Kernel accept queue length (pen's -q).</param>
    /// <param name="noDelay">Sets TCP_NODELAY on accepted TCP sockets; pen leaves Nagle on.</param>
    /// <exception cref="SocketException">When the address is in use or cannot be bound.</exception>
    public static ConnectionListener Open(EndPoint endPoint, int backlog, bool noDelay = false)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint switch
        {
            UnixDomainSocketEndPoint unix => OpenUnix(unix, backlog),
            IPEndPoint ip => OpenTcp(ip, backlog, noDelay),
            _ => throw new ArgumentException($"cannot listen on {endPoint}: unsupported address type", nameof(endPoint)),
        };
    }

    public EndPoint LocalEndPoint { get; }

    /// <summary>The listening descriptor, to hand to the process that takes over.</summary>
    public int Descriptor => (int)_socket.SafeHandle.DangerousGetHandle();

    /// <summary>Takeover: the listener the previous process handed over (same socket, same accept queue).</summary>
    public static ConnectionListener FromDescriptor(int fd)
    {
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        var unixPath = socket.LocalEndPoint is UnixDomainSocketEndPoint bound ? UnixSocketFile.PathOf(bound.ToString()) : null;
        return new ConnectionListener(socket, unixPath, noDelay: false);
    }

    /// <summary>
    /// Takeover, old side: closes this process's descriptor only. The socket lives on in the next process, so it is
    /// not shut down (as .NET may do to wake a pending call) and a unix socket's file stays.
    /// </summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _ = Libc.ReplaceWithPlaceholder(Descriptor);
        _socket.Dispose();
    }

    /// <summary>The listening descriptor, for the event loop's own accept.</summary>
    internal SafeSocketHandle Handle => _socket.SafeHandle;

    public async ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        var accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        if (_noDelay)
        {
            accepted.NoDelay = true;
        }

        return accepted;
    }

    public void Dispose()
    {
        // A second Dispose must not delete a socket file that a newer listener has created since.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _socket.Dispose();
        if (_unixPath is not null)
        {
            TryDelete(_unixPath);
        }
    }

    private static ConnectionListener OpenTcp(IPEndPoint endPoint, int backlog, bool noDelay)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Raw SO_REUSEADDR: .NET's ReuseAddress also sets SO_REUSEPORT on Linux, which would let a second quill
            // (or pen's own SO_REUSEPORT) silently share the port instead of failing with "address already in use".
            socket.SetRawSocketOption(Libc.SolSocket, Libc.SoReuseAddr, BitConverter.GetBytes(1));
            // pen sets keepalive on its listener; accepted sockets inherit it.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // Only the "::" wildcard accepts IPv4 too, as pen gets from the Linux default; a specific address stays IPv6.
                socket.DualMode = endPoint.Address.Equals(IPAddress.IPv6Any);
            }

            socket.Bind(endPoint);
            socket.Listen(backlog);
            return new ConnectionListener(socket, unixPath: null, noDelay);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static ConnectionListener OpenUnix(UnixDomainSocketEndPoint endPoint, int backlog)
    {
        var path = endPoint.ToString();
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            UnixSocketFile.BindAndListen(socket, path, backlog);
            return new ConnectionListener(socket, path, noDelay: false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Bind reports the real problem (address in use, permission denied) with the path.
        }
    }
}
