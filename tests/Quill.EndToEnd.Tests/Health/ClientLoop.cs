using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Health;

/// <summary>
/// Clients through the balancer for the whole of a test, a new one every 10 ms, each asked "who served you?": every
/// exchange is kept with its start and end (ms on one clock) and the backend's name, or the failure.
/// </summary>
internal sealed class ClientLoop : IAsyncDisposable
{
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(10);
    private const int MostAtOnce = 32;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Exchange> _exchanges = [];
    private readonly CancellationTokenSource _stop = new(Longest);
    private readonly Task _running;

    /// <param name="ask">One exchange: returns the name of the backend that answered; throws or returns null on failure.</param>
    public ClientLoop(Func<Task<string?>> ask) => _running = Task.Run(() => RunAsync(ask));

    public readonly record struct Exchange(double Start, double End, string? ServedBy, string? Failure);

    /// <summary>Milliseconds on the loop's clock, to compare with exchanges.</summary>
    public double Now => _clock.Elapsed.TotalMilliseconds;

    public IReadOnlyList<Exchange> Exchanges
    {
        get { lock (_exchanges) return [.. _exchanges]; }
    }

    public IReadOnlyList<Exchange> Failures => [.. Exchanges.Where(e => e.Failure is not null)];

    /// <summary>Waits until an exchange that started after <paramref name="after"/> was served by <paramref name="name"/>.</summary>
    public async Task<bool> ServedSinceAsync(string name, double after, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (Exchanges.Any(e => e.Start >= after && e.ServedBy == name)) return true;
            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>Starts an exchange every <see cref="Pace"/> without waiting for the ones before (at most
    /// <see cref="MostAtOnce"/> at once), so a client held by a stopped server does not hold up the others.</summary>
    private async Task RunAsync(Func<Task<string?>> ask)
    {
        var running = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            if (running.Count < MostAtOnce) running.Add(OneAsync(ask));
            try
            {
                await Task.Delay(Pace, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(running);
    }

    private async Task OneAsync(Func<Task<string?>> ask)
    {
        var start = Now;
        string? servedBy = null;
        string? failure = null;
        try
        {
            servedBy = await ask();
            if (string.IsNullOrEmpty(servedBy)) failure = "no answer";
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            failure = e.GetType().Name + ": " + e.Message;
        }

        lock (_exchanges) _exchanges.Add(new Exchange(start, Now, servedBy, failure));
    }

    /// <summary>Stops starting exchanges and waits for those under way; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    private int _disposed;
}
