using Quill.Core.Proxy;
using Quill.Net.Interop;

namespace Quill.Net.Engine;

/// <summary>
/// accept_proxy: reads a front balancer's PROXY header on the loop that accepted the client, without blocking it or
/// any other client. Each readiness peeks at what has arrived (MSG_PEEK) and parses it; only once the header is
/// whole are exactly its bytes read away, so what follows (a request, a TLS ClientHello) stays queued for the path
/// the client then takes. A header that is invalid, or not whole within the timeout, fails the client.
/// </summary>
internal sealed unsafe class ProxyHeaderReader : IEventTarget
{
    private readonly EngineLoop _home;
    private readonly EventLoop _loop;
    private readonly int _fd;
    private readonly int _maxV2Payload;
    private readonly Action<ProxyHeader> _done;
    private readonly Action<string, bool> _failed;
    private readonly long _deadline;
    private int _slot = -1;
    private bool _over;
    private bool _peerClosed;

    /// <param name="done">The header was read away; <paramref name="fd"/> is out of the loop's set again.</param>
    /// <param name="failed">Why not, and whether for the timeout; <paramref name="fd"/> is out of the set, still open.</param>
    private ProxyHeaderReader(EngineLoop home, int fd, TimeSpan timeout, int maxV2Payload, Action<ProxyHeader> done, Action<string, bool> failed)
    {
        _home = home;
        var loop = _loop = home.Loop;
        _fd = fd;
        _maxV2Payload = maxV2Payload;
        _done = done;
        _failed = failed;
        _deadline = loop.Now + loop.Ticks(timeout);
    }

    /// <summary>Starts reading on <paramref name="home"/>'s thread; one of the callbacks follows, possibly at once.</summary>
    public static void Start(EngineLoop home, int fd, TimeSpan timeout, int maxV2Payload, Action<ProxyHeader> done, Action<string, bool> failed)
    {
        var loop = home.Loop;
        var reader = new ProxyHeaderReader(home, fd, timeout, maxV2Payload, done, failed);
        // Output and peer shutdown too: a sender that closes mid-header is then seen at once, not at the timeout.
        reader._slot = loop.Register(fd, reader, 0);
        if (reader._slot < 0)
        {
            reader._over = true;
            failed($"cannot watch the connection: {ErrnoText.Describe(-reader._slot)}", false);
            return;
        }
        loop.StartTiming(reader);
        home.Reading.Add(reader);
        reader.TryRead();
    }

    /// <summary>The engine stops: the client is failed now rather than left to its timeout (loop thread).</summary>
    public void Abandon()
    {
        if (!_over) Fail("quill is stopping", timedOut: false);
    }

    public void OnEvents(uint events, int tag)
    {
        if ((events & (Libc.EpollRdHup | Libc.EpollHup | Libc.EpollErr)) != 0) _peerClosed = true;
        TryRead();
    }

    public void OnTurn()
    {
        if (!_over && _loop.Now >= _deadline) Fail("no whole PROXY header within accept_proxy_timeout", timedOut: true);
    }

    private void TryRead()
    {
        if (_over) return;
        var room = Math.Min(EventLoop.ScratchSize, ProxyV2.FixedLength + _maxV2Payload);
        var peeked = Libc.Peek(_fd, _loop.Scratch, room);
        if (peeked == -Libc.EAGAIN) return;
        if (peeked < 0)
        {
            Fail($"reading the PROXY header failed: {ErrnoText.Describe((int)-peeked)}", timedOut: false);
            return;
        }
        var header = ProxyHeaderParser.Parse(new ReadOnlySpan<byte>(_loop.Scratch, (int)peeked), _maxV2Payload);
        switch (header.Status)
        {
            case ProxyParseStatus.Invalid:
                Fail(header.Error!, timedOut: false);
                return;
            case ProxyParseStatus.Incomplete:
                if (peeked == 0 || _peerClosed) Fail("closed before a whole PROXY header", timedOut: false);
                return;
        }
        // The bytes are queued already: this read takes exactly the header and never blocks.
        var taken = Libc.Read(_fd, _loop.Scratch, header.Length);
        if (taken != header.Length)
        {
            Fail("reading the PROXY header failed", timedOut: false);
            return;
        }
        Leave();
        _done(header);
    }

    private void Fail(string reason, bool timedOut)
    {
        Leave();
        _failed(reason, timedOut);
    }

    private void Leave()
    {
        _over = true;
        _home.Reading.Remove(this);
        _loop.StopTiming(this);
        _loop.Remove(_fd, _slot);
    }
}
