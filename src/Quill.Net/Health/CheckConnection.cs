using System.Buffers;
using System.Net;
using Quill.Core.Health;
using Quill.Net.Engine;
using Quill.Net.Interop;

namespace Quill.Net.Health;

/// <summary>
/// One plain check on the health loop, with direct non-blocking syscalls and no thread hand-off: connect (from the
/// <c>source</c> address), send the request, read until <see cref="CheckExchange.Judge"/> has a verdict or the deadline
/// passes. The connection is then reset rather than closed, as HAProxy does, so a thousand checks a second leave no
/// TIME_WAIT behind on either side.
/// </summary>
internal sealed unsafe class CheckConnection : IEventTarget
{
    private readonly EventLoop _loop;
    private readonly HashSet<CheckConnection> _open;
    private readonly HealthCheck _check;
    private readonly Action<CheckOutcome> _done;
    private readonly long _deadline;
    private readonly int _replyLimit;
    private ReadOnlyMemory<byte> _unsent;
    private byte[]? _reply;
    private int _received;
    private int _fd = -1;
    private int _slot = -1;
    private bool _connected;

    private CheckConnection(EventLoop loop, HashSet<CheckConnection> open, CheckTarget target, TimeSpan timeout, Action<CheckOutcome> done)
    {
        (_loop, _open, _check, _done) = (loop, open, target.Check, done);
        _deadline = loop.Now + loop.Ticks(timeout);
        _unsent = CheckExchange.Request(target.Check, target.EndPoint);
        _replyLimit = CheckExchange.ReplyLimit(target.Check);
    }

    /// <summary>Starts a check of <paramref name="target"/> on the loop's thread; it stays in <paramref name="open"/> until done.</summary>
    public static void Start(EventLoop loop, HashSet<CheckConnection> open, CheckTarget target, TimeSpan timeout, Action<CheckOutcome> done)
    {
        var connection = new CheckConnection(loop, open, target, timeout, done);
        open.Add(connection);
        loop.StartTiming(connection);
        var errno = connection.Connect(target.EndPoint, target.Source, out var connected);
        if (errno != 0) connection.Fail(errno);
        else if (connected) connection.Advance();
    }

    /// <summary>The loop stops: closes the connection without a verdict.</summary>
    public void Abandon() => Close();

    void IEventTarget.OnEvents(uint events, int tag)
    {
        if (_fd < 0) return;
        if (!_connected)
        {
            if ((events & (Libc.EpollErr | Libc.EpollHup)) != 0)
            {
                Fail(Libc.PendingError(_fd) is > 0 and var errno ? errno : Libc.ECONNREFUSED);
                return;
            }
            if ((events & Libc.EpollOut) == 0) return;
            _connected = true;
        }
        Advance();
    }

    void IEventTarget.OnTurn()
    {
        if (_fd >= 0 && _loop.Now >= _deadline) Finish(CheckOutcome.Fail("timeout"));
    }

    /// <summary>0 when connected or in progress (<paramref name="connected"/> says which), else errno.</summary>
    private int Connect(EndPoint server, IPAddress? source, out bool connected)
    {
        connected = false;
        var address = stackalloc byte[SocketAddressCodec.MaxLength];
        var length = SocketAddressCodec.Encode(server, address);
        if (length == 0) return Libc.EINVAL;
        _fd = Libc.Socket(SocketAddressCodec.FamilyOf(server), Libc.SockStream);
        if (_fd < 0)
        {
            var error = -_fd;
            _fd = -1;
            return error;
        }
        if (server is IPEndPoint)
        {
            _ = Libc.ResetOnClose(_fd);
            if (source is not null && source.AddressFamily == server.AddressFamily)
            {
                var local = stackalloc byte[SocketAddressCodec.MaxLength];
                var bound = Libc.Bind(_fd, local, SocketAddressCodec.Encode(new IPEndPoint(source, 0), local));
                if (bound < 0) return -bound;
            }
        }
        var result = Libc.Connect(_fd, address, length);
        if (result < 0 && result != -Libc.EINPROGRESS) return -result;
        // Registered only once connecting: a socket that has not begun to connect already reports a hang-up.
        _slot = _loop.Register(_fd, this, tag: 0);
        if (_slot < 0) return -_slot;
        connected = _connected = result == 0;
        return 0;
    }

    /// <summary>Sends what is left of the request, then reads what the reply has so far; stops where the socket would block.</summary>
    private void Advance()
    {
        while (!_unsent.IsEmpty)
        {
            long sent;
            fixed (byte* bytes = _unsent.Span) sent = Libc.Send(_fd, bytes, _unsent.Length);
            if (sent == -Libc.EAGAIN) return;
            if (sent < 0)
            {
                Fail((int)-sent);
                return;
            }
            _unsent = _unsent[(int)sent..];
        }

        if (_replyLimit == 0)
        {
            Finish(CheckOutcome.Pass);
            return;
        }

        _reply ??= ArrayPool<byte>.Shared.Rent(_replyLimit);
        while (true)
        {
            var read = Libc.Read(_fd, _reply.AsSpan(_received, _replyLimit - _received));
            if (read == -Libc.EAGAIN) return;
            if (read < 0)
            {
                Fail((int)-read);
                return;
            }
            _received += (int)read;
            if (CheckExchange.Judge(_check, _reply.AsSpan(0, _received), closed: read == 0) is { } verdict)
            {
                Finish(verdict);
                return;
            }
        }
    }

    private void Fail(int errno) => Finish(CheckOutcome.Fail(CheckFailure.Word(errno)));

    private void Finish(CheckOutcome outcome)
    {
        Close();
        _done(outcome);
    }

    private void Close()
    {
        _loop.StopTiming(this);
        _open.Remove(this);
        if (_fd >= 0) Libc.Close(_fd);
        _loop.Release(_slot);
        (_fd, _slot) = (-1, -1);
        if (_reply is not null) ArrayPool<byte>.Shared.Return(_reply);
        _reply = null;
    }
}
