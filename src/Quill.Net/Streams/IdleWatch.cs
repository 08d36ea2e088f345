namespace Quill.Net.Streams;

/// <summary>
/// One connection's idle timer: every chunk moved restarts it; when it runs out the connection closes; once either
/// side has sent EOF it stops for good (pen never idle-closes a half-closed connection).
/// </summary>
internal sealed class IdleWatch : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenRegistration _onExpiry;
    private readonly Lock _gate = new();
    private bool _halfClosed;

    private IdleWatch(TimeSpan timeout, TimeProvider time, Action close)
    {
        _timeout = timeout;
        _timer = new CancellationTokenSource(timeout, time);
        _onExpiry = _timer.Token.UnsafeRegister(static state => ((Action)state!)(), close);
    }

    /// <returns>Null when there is no idle timeout (zero).</returns>
    public static IdleWatch? Start(TimeSpan timeout, TimeProvider time, Action close) =>
        timeout > TimeSpan.Zero ? new IdleWatch(timeout, time, close) : null;

    public void Active()
    {
        try
        {
            lock (_gate)
            {
                if (!_halfClosed) _timer.CancelAfter(_timeout);
            }
        }
        catch (ObjectDisposedException)
        {
            // The connection is already over.
        }
    }

    public void HalfClosed()
    {
        try
        {
            lock (_gate)
            {
                _halfClosed = true;
                _timer.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // The connection is already over.
        }
    }

    public void Dispose()
    {
        _onExpiry.Dispose();
        _timer.Dispose();
    }
}
