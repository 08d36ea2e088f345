using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>One SIGKILL: when it was sent, when the process was reaped (its sockets closed), and when the new nginx accepted.</summary>
internal readonly record struct SoakKill(int Backend, long Sent, long Reaped, long Restarted);

/// <summary>
/// The chaos loop: every kill period it SIGKILLs one backend (in turn, skipping a stopped one) and starts it again;
/// every stop period it SIGSTOPs another for the stop length, then SIGCONTs it. It runs on one task, one action at a
/// time, so at most one backend is dead and at most one other is stopped: the third always runs.
/// </summary>
internal sealed class SoakChaos(IReadOnlyList<SoakBackend> backends, SoakSettings settings)
{
    private readonly List<SoakKill> _kills = [];
    private int _stops;

    public IReadOnlyList<SoakKill> Kills => _kills;

    public int Stops => _stops;

    public async Task RunAsync(CancellationToken until)
    {
        if (backends.Count < 3)
            throw new ArgumentException("the chaos needs three backends so that one always runs", nameof(backends));
        var clock = Stopwatch.StartNew();
        var nextKill = settings.KillPeriod;
        var nextStop = settings.FirstStop;
        var killTurn = 0;
        var stopTurn = 0;
        SoakBackend? stopped = null;
        var continueAt = TimeSpan.Zero;
        try
        {
            while (!until.IsCancellationRequested)
            {
                var next = stopped is null ? Min(nextKill, nextStop) : Min(nextKill, continueAt);
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, until).ConfigureAwait(false);
                var now = clock.Elapsed;
                if (stopped is not null && now >= continueAt)
                {
                    stopped.Continue();
                    stopped = null;
                }
                if (now >= nextKill)
                {
                    var victim = backends[killTurn++ % backends.Count];
                    if (victim == stopped)
                        victim = backends[killTurn++ % backends.Count];
                    await KillAsync(victim).ConfigureAwait(false);
                    nextKill += settings.KillPeriod;
                }
                if (stopped is null && now >= nextStop)
                {
                    stopped = backends[stopTurn++ % backends.Count];
                    stopped.Stop();
                    _stops++;
                    continueAt = clock.Elapsed + settings.StopLength;
                    nextStop += settings.StopPeriod;
                }
            }
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
            // The load is over.
        }
        finally
        {
            stopped?.Continue();
        }
    }

    private async Task KillAsync(SoakBackend victim)
    {
        var sent = Stopwatch.GetTimestamp();
        var reaped = await victim.KillAsync().ConfigureAwait(false);
        await victim.RestartAsync().ConfigureAwait(false);
        _kills.Add(new SoakKill(victim.Index, sent, reaped, Stopwatch.GetTimestamp()));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
