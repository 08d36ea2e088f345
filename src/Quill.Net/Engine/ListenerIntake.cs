using System.Net.Sockets;
using Quill.Net.Interop;

namespace Quill.Net.Engine;

/// <summary>
/// Accepts clients on the event loop with accept4(2), non-blocking from the start. Readiness is kept here, so a
/// pause at -x costs no epoll_ctl: accepting resumes when the host has room again.
/// </summary>
/// <param name="sharesListener">Other loops accept from the same listener: each registers it with EPOLLEXCLUSIVE,
/// so one new client wakes one loop, not all.</param>
internal sealed unsafe class ListenerIntake(EventLoop loop, IRelayEngineHost host, int multiAccept, bool sharesListener) : IEventTarget
{

    /// <summary>After EMFILE and the like accepting rests a tick of the loop at a time instead of spinning, until the
    /// descriptor reserve can be held again.</summary>
    private bool _resting;
    private SafeSocketHandle? _listener;
    private int _fd = -1;
    private int _slot = -1;
    private bool _readable;
    private bool _deferred;
    private bool? _noDelay;
    private volatile bool _paused;

    /// <summary>Clients wait and this loop stopped taking them because the host had no room (-x).</summary>
    public bool Paused => _paused;

    /// <summary>Accepts from <paramref name="listener"/> from now on, instead of the previous one (loop thread).</summary>
    public void Listen(SafeSocketHandle listener)
    {
        Detach();
        var added = false;
        // Held while registered, so a listener closed by listen ADDR is not closed (and its number reused) under us.
        listener.DangerousAddRef(ref added);
        if (!added) return;
        _listener = listener;
        _fd = (int)listener.DangerousGetHandle();
        Libc.MakeNonBlocking(_fd);
        _slot = loop.Register(_fd, this, 0, output: false, exclusive: sharesListener);
        // Clients may already wait in the backlog; the registration reports them too, but looking costs one EAGAIN.
        _readable = true;
        AcceptSome();
    }

    /// <summary>Stops accepting from the current listener (loop thread).</summary>
    public void Detach()
    {
        if (_listener is null) return;
        loop.Remove(_fd, _slot);
        _listener.DangerousRelease();
        (_listener, _fd, _slot, _readable, _noDelay) = (null, -1, -1, false, null);
    }

    /// <summary>The host has room again.</summary>
    public void Resume()
    {
        _paused = false;
        if (_readable && !_resting && !_deferred) AcceptSome();
    }

    public void OnEvents(uint events, int tag)
    {
        _readable = true;
        if (!_resting) AcceptSome();
    }

    public void OnTurn()
    {
        if (_resting)
        {
            if (!DescriptorReserve.Shared.TryTake()) return;
            _resting = false;
            loop.StopTiming(this);
        }
        _deferred = false;
        AcceptSome();
    }

    private void AcceptSome()
    {
        if (_fd >= 0 && host.ClientNoDelay != _noDelay)
        {
            // One setsockopt per change of the command instead of one per client; fails harmlessly on a unix listener.
            _noDelay = host.ClientNoDelay;
            _ = Libc.SetOption(_fd, Libc.IpProtoTcp, Libc.TcpNoDelay, _noDelay.Value ? 1 : 0);
        }
        var address = stackalloc byte[SocketAddressCodec.MaxLength];
        var accepted = 0;
        while (_readable && _fd >= 0 && host.CanAccept)
        {
            if (accepted++ >= multiAccept)
            {
                // -m: let the connections just accepted run before taking more.
                _deferred = true;
                loop.Defer(this);
                return;
            }
            if (!DescriptorReserve.Shared.Full)
            {
                // Another loop ran out of descriptors and gave the reserve back: it is not for clients.
                Rest();
                return;
            }
            var length = SocketAddressCodec.MaxLength;
            var fd = Libc.Accept(_fd, address, &length);
            if (fd == -Libc.EAGAIN)
            {
                _readable = false;
                return;
            }
            if (fd == -Libc.ECONNABORTED) continue;
            if (fd == -Libc.EINVAL)
            {
                // listen ADDR shut the old listener down before the loop moved to the new one.
                _readable = false;
                return;
            }
            if (fd < 0)
            {
                if (fd is -Libc.EMFILE or -Libc.ENFILE) DescriptorReserve.Shared.Release();
                host.AcceptFailed(-fd);
                Rest();
                return;
            }
            var (client, port) = SocketAddressCodec.Decode(address, length);
            host.Accepted(fd, client, port);
        }
        var paused = _readable && _fd >= 0 && !host.CanAccept;
        if (paused && !_paused) host.LimitReached();
        _paused = paused;
    }

    /// <summary>Out of descriptors persists for a while: look again each tick instead of spinning.</summary>
    private void Rest()
    {
        _resting = true;
        loop.StartTiming(this);
    }
}
