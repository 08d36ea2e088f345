using System.Net;
using Quill.Core.Health;
using Quill.Net.Engine;

namespace Quill.Net.Health;

/// <summary>
/// The checks on the wire, run on an event loop of their own (one thread, "quill health", one epoll set): each plain
/// check is a <see cref="CheckConnection"/> with non-blocking syscalls, so a thousand checks a second wake one thread
/// for a few microseconds at a time, instead of the runtime's timer, socket engine and pool threads that otherwise
/// take turns with the data path's loops (bench/results/health-checks.md). Checks inside TLS, or of a server known by
/// name, run through <see cref="StreamHealthProbe"/> on the thread pool and report back on the loop.
/// </summary>
internal sealed class LoopHealthProbe : IHealthProbe, IDisposable
{
    private readonly HashSet<CheckConnection> _open = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private readonly Lock _posting = new();
    private bool _started;
    private bool _stopped;
    private bool _disposed;

    /// <param name="onError">An exception that escaped a check or a look; the loop goes on.</param>
    public LoopHealthProbe(Action<Exception> onError, TimeProvider time)
    {
        _time = time;
        Loop = new EventLoop(onError, time, HealthMonitor.Tick, "quill health");
    }

    /// <summary>The loop the checks run on; <see cref="Start(CheckTarget, TimeSpan, Action{CheckOutcome})"/> is called on its thread.</summary>
    public EventLoop Loop { get; }

    public void Start()
    {
        _started = true;
        Loop.Start();
    }

    public void Start(CheckTarget target, TimeSpan timeout, Action<CheckOutcome> done)
    {
        if (target.Tls || target.EndPoint is DnsEndPoint) _ = StreamCheckAsync(target, timeout, done);
        else CheckConnection.Start(Loop, _open, target, timeout, done);
    }

    private async Task StreamCheckAsync(CheckTarget target, TimeSpan timeout, Action<CheckOutcome> done)
    {
        CheckOutcome outcome;
        using (var timedOut = new CancellationTokenSource(timeout, _time))
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timedOut.Token))
        {
            try
            {
                // WaitAsync: the timeout holds even for a TLS handshake that would not stop when told.
                outcome = await StreamHealthProbe.CheckAsync(target, either.Token).WaitAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                outcome = CheckOutcome.Fail("timeout");
            }
        }

        Post(() => done(outcome));
    }

    /// <summary>Runs <paramref name="action"/> on the loop, soon, unless the probe stops first; from any thread.</summary>
    public void Post(Action action)
    {
        lock (_posting)
        {
            // After Dispose the loop's wake descriptor is closed, and its number may already be someone else's.
            if (_disposed) return;
            Loop.Post(() =>
            {
                if (!_stopped) action();
            });
        }
    }

    /// <summary>Stops the loop; checks under way end without a verdict.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        if (_started)
        {
            using var abandoned = new ManualResetEventSlim();
            Loop.Post(() =>
            {
                _stopped = true;
                foreach (var connection in _open.ToArray()) connection.Abandon();
                abandoned.Set();
            });
            abandoned.Wait();
        }

        lock (_posting) _disposed = true;
        Loop.Dispose();
        _stopping.Dispose();
    }
}
