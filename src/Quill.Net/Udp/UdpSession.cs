using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Quill.Core.Selection;

namespace Quill.Net.Udp;

/// <summary>
/// One client address and port: its own upstream socket connected to the chosen server (so the server's replies
/// come back to it alone), the selection it holds, and when it was last active.
/// </summary>
internal sealed class UdpSession
{
    private readonly Lock _gate = new();
    private ConnectionAttempt _attempt;
    private byte[]? _firstDatagram;
    private int _firstLength;
    private long _toServer;
    private long _toClient;
    private long _reportedToServer;
    private long _reportedToClient;
    private bool _ended;

    public UdpSession(SocketAddress clientAddress, IPEndPoint client, ConnectionAttempt attempt, long now)
    {
        ClientAddress = clientAddress;
        Client = client;
        _attempt = attempt;
        LastActivity = now;
    }

    public SocketAddress ClientAddress { get; }
    public IPEndPoint Client { get; }
    public Socket? Upstream { get; private set; }

    /// <summary>Where the host lists the session, if anywhere.</summary>
    public IUdpSessionListing? Listing { get; set; }

    /// <summary>Timestamp (TimeProvider ticks) of the last datagram either way.</summary>
    public long LastActivity { get; set; }

    public int ClientSlot
    {
        get { lock (_gate) return _attempt.ClientSlot; }
    }

    public int Server
    {
        get { lock (_gate) return _attempt.Server; }
    }

    public bool Ended
    {
        get { lock (_gate) return _ended; }
    }

    /// <summary>Connects a new upstream socket to the attempt's server; the old one, if any, is closed.</summary>
    public Socket Connect(EndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(server);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        lock (_gate)
        {
            Upstream?.Dispose();
            Upstream = socket;
        }
        return socket;
    }

    /// <summary>Keeps the first datagram until the server answers, so a refusal can send it to the next server.</summary>
    public void KeepFirst(ReadOnlySpan<byte> datagram)
    {
        _firstDatagram = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(_firstDatagram);
        _firstLength = datagram.Length;
    }

    /// <summary>Sends the kept first datagram again, to the server failed over to; false when there is none.</summary>
    public bool ResendFirst()
    {
        lock (_gate)
        {
            if (_firstDatagram is null || Upstream is null) return false;
            Upstream.Send(_firstDatagram.AsSpan(0, _firstLength));
            return true;
        }
    }

    /// <summary>The server answered: it works, and the first datagram is no longer needed.</summary>
    /// <returns>True for the first answer, when the selector should hear that the server is fine.</returns>
    public bool Answered(int bytes, out ConnectionAttempt attempt)
    {
        lock (_gate)
        {
            _toClient += bytes;
            attempt = _attempt;
            if (_firstDatagram is null) return false;
            ReleaseFirst();
            return true;
        }
    }

    public void Sent(int bytes)
    {
        lock (_gate) _toServer += bytes;
    }

    /// <summary>The server refused: blacklist it and take the next one. False when none is left.</summary>
    public bool FailOver(ServerSelector selector, out EndPoint? next)
    {
        lock (_gate)
        {
            next = null;
            if (_ended || !selector.FailOver(ref _attempt)) return false;
            next = _attempt.ServerEndPoint;
            return next is not null;
        }
    }

    /// <summary>Passes the bytes moved since the last report on to the server's and the client's counters (the sweep).</summary>
    public void ReportTraffic(ServerSelector selector)
    {
        lock (_gate)
        {
            if (_ended || (_toServer == _reportedToServer && _toClient == _reportedToClient)) return;
            selector.Transferred(_attempt, _toServer - _reportedToServer, _toClient - _reportedToClient);
            (_reportedToServer, _reportedToClient) = (_toServer, _toClient);
        }
    }

    /// <summary>Closes the upstream socket and releases the server; only the first call does anything.</summary>
    public bool End(ServerSelector selector)
    {
        lock (_gate)
        {
            if (_ended) return false;
            _ended = true;
            Upstream?.Dispose();
            ReleaseFirst();
            selector.Finished(_attempt, _toServer - _reportedToServer, _toClient - _reportedToClient);
            return true;
        }
    }

    private void ReleaseFirst()
    {
        if (_firstDatagram is not null) ArrayPool<byte>.Shared.Return(_firstDatagram);
        _firstDatagram = null;
    }
}
