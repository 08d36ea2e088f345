using System.Net;
using System.Net.Sockets;
using Quill.Core.Control;
using Quill.Net.Connections;

namespace Quill.Net.Tests.Engine;

/// <summary>
/// client ⇄ the engine ⇄ server, with both ends in the test's hands: one engine relaying to one listening server
/// (TCP on loopback, or a unix socket) whose accepted sockets are handed out as clients connect.
/// </summary>
internal sealed class ProxiedPairs : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _sockets = [];

    private ProxiedPairs(Socket listener, TimeProvider? time, bool sockmap = false)
    {
        _listener = listener;
        Engine = new EngineFixture(listener.LocalEndPoint!, loops: 1, time, sockmap);
    }

    public EngineFixture Engine { get; }

    /// <summary>The connection commands, read when a client is accepted.</summary>
    public RuntimeSettings Settings => Engine.Servers.Settings;

    /// <summary>What the server's counters have heard of so far.</summary>
    public Traffic Counted => Engine.Servers.Counted(0);

    /// <param name="sockmap">The kernel relays plain connections (BPF sockmap).</param>
    public static ProxiedPairs Open(TimeProvider? time = null, IClientStreamFilters? filters = null, bool sockmap = false)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        return WithFilters(new ProxiedPairs(listener, time, sockmap), filters);
    }

    public static ProxiedPairs OpenUnix(UnixDomainSocketEndPoint endPoint, bool sockmap = false) =>
        new(Loopback.ListenUnix(endPoint), null, sockmap);

    /// <summary>A new client through the engine, and the server's side of its connection; both closed at dispose.</summary>
    public async Task<(Socket Client, Socket Server)> ConnectAsync(int? receiveBuffer = null)
    {
        var client = await Engine.ConnectAsync(receiveBuffer);
        _sockets.Add(client);
        var server = await _listener.AcceptAsync().WaitAsync(Loopback.Timeout);
        _sockets.Add(server);
        return (client, server);
    }

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
        Engine.Dispose();
        _listener.Dispose();
    }

    private static ProxiedPairs WithFilters(ProxiedPairs pairs, IClientStreamFilters? filters)
    {
        pairs.Engine.Servers.Services.Filters = filters;
        return pairs;
    }
}
