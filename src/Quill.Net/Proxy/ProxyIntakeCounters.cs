using System.Globalization;

namespace Quill.Net.Proxy;

/// <summary>
/// What accept_proxy did with the connections it read a header from: accepted, or closed for an invalid header
/// (missing, malformed, oversized, or the sender closed first), a header not whole within accept_proxy_timeout, or a
/// sender the ACL denies. Shown in the USR1 statistics under these names, which metrics take as they are.
/// </summary>
public sealed class ProxyIntakeCounters
{
    private long _accepted;
    private long _invalid;
    private long _timeouts;
    private long _denied;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Invalid => Interlocked.Read(ref _invalid);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long Denied => Interlocked.Read(ref _denied);

    public void CountAccepted() => Interlocked.Increment(ref _accepted);

    public void CountInvalid() => Interlocked.Increment(ref _invalid);

    public void CountTimeout() => Interlocked.Increment(ref _timeouts);

    public void CountDenied() => Interlocked.Increment(ref _denied);

    /// <summary>One line for the USR1 statistics; null until accept_proxy has seen a connection, so pen's output is unchanged without it.</summary>
    public string? StatusLine()
    {
        var (accepted, invalid, timeouts, denied) = (Accepted, Invalid, Timeouts, Denied);
        if (accepted + invalid + timeouts + denied == 0) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"proxy_headers_accepted {accepted} proxy_headers_invalid {invalid} proxy_header_timeouts {timeouts} proxy_senders_denied {denied}");
    }
}
