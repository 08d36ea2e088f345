using System.Threading.Channels;
using Quill.Core.AccessLog;

namespace Quill.Net.AccessLog;

/// <summary>
/// The access log (-l, the log / no log commands, HUP). Connections hand entries to a queue and never wait;
/// one task drains the queue into the current sink and flushes whenever the queue runs empty, so a line is on
/// disk within moments of its request. Switching target and reopening travel through the same queue, so every
/// entry lands in the file that was current when it was written.
/// </summary>
public sealed class AccessLog : IAsyncDisposable
{
    /// <summary>Entries waiting beyond this are dropped and counted rather than slowing connections down.</summary>
    private const int QueueLimit = 100_000;

    // Wait, not DropWrite: a DropWrite channel's TryWrite says true for the item it drops, so a full queue would
    // lose entries uncounted and a reopen or switch silently. Entries use TryWrite (false when full: dropped and
    // counted); switches wait for room.
    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(
        new BoundedChannelOptions(QueueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Action<string> _report;
    private readonly Task _drain;
    private volatile string? _target;
    private long _dropped;
    private bool _failing;

    /// <param name="report">Receives one-line problems found while writing (a failed reopen, a full queue).</param>
    public AccessLog(Action<string> report)
    {
        _report = report;
        _drain = Task.Run(DrainAsync);
    }

    /// <summary>The file or host:port being logged to, as given; null when logging is off.</summary>
    public string? Target => _target;

    /// <summary>pen's test: a target with a colon that is not a path is a penlogd address (host:port).</summary>
    public static bool IsRemoteTarget(string target) => PenlogdSink.IsRemote(target);

    /// <summary>Entries dropped because the writer could not keep up.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Starts logging to <paramref name="target"/> (a file, or host:port for a penlogd), replacing the current target.</summary>
    /// <exception cref="ArgumentException">A penlogd address that cannot be used (one-line message).</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file.</exception>
    public void Open(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        IAccessLogSink sink = PenlogdSink.IsRemote(target) ? PenlogdSink.Connect(target) : new AccessLogFile(target);
        Enqueue(new Item(default, sink, Switch: true));
        _target = target;
    }

    /// <summary>no log: entries already queued are still written, later ones are not.</summary>
    public void Close()
    {
        _target = null;
        Enqueue(new Item(default, null, Switch: true));
    }

    /// <summary>HUP: close the file and open it again by name.</summary>
    public void Reopen() => Enqueue(new Item(default, null, Switch: false, Reopen: true));

    /// <summary>Queues one entry; never blocks. Does nothing while logging is off.</summary>
    public void Write(in AccessLogEntry entry)
    {
        if (_target is null) return;
        if (!_queue.Writer.TryWrite(new Item(entry, null, Switch: false)) && Interlocked.Increment(ref _dropped) == 1)
            _report($"access log cannot keep up; dropping entries beyond {QueueLimit} waiting");
    }

    /// <summary>Writes everything queued, then closes the sink.</summary>
    public async ValueTask DisposeAsync()
    {
        _target = null;
        _queue.Writer.TryComplete();
        await _drain.ConfigureAwait(false);
    }

    private void Enqueue(Item item)
    {
        // Control items must not be dropped: wait for room (only the control path and HUP get here).
        if (!_queue.Writer.TryWrite(item)) _queue.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
    }

    private async Task DrainAsync()
    {
        IAccessLogSink? sink = null;
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var item)) sink = Apply(sink, item);
                Flush(sink);
            }
        }
        finally
        {
            Guarded(() => sink?.Dispose(), "close");
        }
    }

    private IAccessLogSink? Apply(IAccessLogSink? sink, in Item item)
    {
        if (item.Switch)
        {
            Flush(sink);
            Guarded(() => sink?.Dispose(), "close");
            _failing = false;
            return item.Sink;
        }

        try
        {
            if (item.Reopen)
            {
                sink?.Reopen();
                _failing = false;
            }
            else
            {
                // A buffered write succeeding proves nothing; the flush after the batch says whether lines reached the file.
                sink?.Write(item.Entry);
            }
        }
        catch (Exception e) when (IsWriteFailure(e))
        {
            Report(item.Reopen ? "reopen" : "write", e);
        }

        return sink;
    }

    private void Flush(IAccessLogSink? sink)
    {
        try
        {
            sink?.Flush();
            _failing = false;
        }
        catch (Exception e) when (IsWriteFailure(e))
        {
            Report("flush", e);
        }
    }

    /// <summary>For the rare close step; entries use an inline try so no closure is made per entry.</summary>
    private void Guarded(Action step, string what)
    {
        try
        {
            step();
        }
        catch (Exception e) when (IsWriteFailure(e))
        {
            Report(what, e);
        }
    }

    private static bool IsWriteFailure(Exception e) => e is IOException or UnauthorizedAccessException or ObjectDisposedException;

    /// <summary>Reports the first failure of a run, not one line per entry (a full disk would flood the debug log).</summary>
    private void Report(string what, Exception e)
    {
        if (!_failing) _report($"access log {what} failed: {e.Message}");
        _failing = true;
    }

    private readonly record struct Item(AccessLogEntry Entry, IAccessLogSink? Sink, bool Switch, bool Reopen = false);
}
