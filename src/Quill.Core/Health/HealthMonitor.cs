using System.Net;
using Quill.Core.Model;
using Quill.Core.Selection;

namespace Quill.Core.Health;

/// <summary>
/// The one scheduler of every server's active checks: the check loop calls <see cref="LookOnce"/> every
/// <see cref="Tick"/> (or waits for <see cref="SettingsChanged"/> when nothing is checked), and it starts the checks
/// that are due, each handed to the probe; no thread or timer per server. A check starts <c>check_interval</c> after
/// the previous one started, never while it still runs; the first checks of a server are spread over one interval by
/// its index, so a thousand servers are not checked in one burst. Results go to the selector (rise, fall, up and down);
/// settings are read afresh at every look, so a command counts at once. Not thread-safe: the looks and the probe's
/// results all run on the check loop's one thread.
/// </summary>
public sealed class HealthMonitor
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private const double Spread = 0.6180339887498949;

    private readonly ServerSelector _selector;
    private readonly SelectionSettings _selection;
    private readonly Func<IPAddress?> _source;
    private readonly IHealthProbe _probe;
    private readonly TimeProvider _time;
    private readonly Action<int, string> _log;
    private Schedule[] _schedules = [];

    /// <param name="source">The <c>source</c> address as it stands, read at every check.</param>
    /// <param name="log">Debug messages (level, text): a server going down or coming up, at level 0.</param>
    public HealthMonitor(ServerSelector selector, SelectionSettings selection, Func<IPAddress?> source, IHealthProbe probe,
        TimeProvider time, Action<int, string> log)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        (_selector, _selection, _source, _probe, _time, _log) = (selector, selection, source, probe, time, log);
    }

    /// <summary>A health setting changed: a loop that waits because nothing was checked looks again.</summary>
    public event Action SettingsChanged
    {
        add => _selection.HealthChanged += value;
        remove => _selection.HealthChanged -= value;
    }

    /// <summary>One look over the table: starts the checks that are due and forgets servers whose checks were turned
    /// off. True when any server is checked.</summary>
    public bool LookOnce()
    {
        var servers = _selector.Servers.Regular;
        if (_schedules.Length < servers.Count) Grow(servers.Count);
        var now = _time.GetTimestamp();
        var defaults = _selection.Health;
        var any = false;
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            var schedule = _schedules[i];
            var health = server.HealthSettings.Over(defaults);
            if (health.Check.Kind == CheckKind.Off || !server.IsUsed || server.Port == 0)
            {
                if (schedule.NextDue != 0 || server.Health.LastResult != ServerHealth.NoCheck) Stop(server, schedule);
                continue;
            }

            any = true;
            var interval = (long)(health.IntervalMs * _time.TimestampFrequency / 1000.0);
            if (schedule.NextDue == 0) schedule.NextDue = now + (long)(interval * ((i * Spread) % 1.0));
            if (now < schedule.NextDue || schedule.InFlight) continue;
            schedule.NextDue = now + interval;
            schedule.InFlight = true;
            Start(i, server, schedule, health);
        }

        return any;
    }

    private void Stop(ServerState server, Schedule schedule)
    {
        schedule.NextDue = 0;
        if (server.Health.LastResult == ServerHealth.NoCheck && !server.Health.CheckedDown) return;
        _selector.ForgetChecks(server);
    }

    private void Start(int index, ServerState server, Schedule schedule, EffectiveHealth health)
    {
        var endPoint = server.EndPoint;
        var started = _time.GetTimestamp();
        _probe.Start(new CheckTarget(endPoint, health.Check, health.Tls, _source()), TimeSpan.FromMilliseconds(health.TimeoutMs),
            outcome => Finish(index, server, schedule, health.Check, endPoint, started, outcome));
    }

    private void Finish(int index, ServerState server, Schedule schedule, HealthCheck check, EndPoint endPoint, long started,
        CheckOutcome outcome)
    {
        schedule.InFlight = false;
        // A result for settings or an address that changed meanwhile says nothing about the server as it is now.
        var current = server.HealthSettings.Over(_selection.Health);
        if (!ReferenceEquals(server.EndPoint, endPoint) || current.Check != check) return;
        server.Statistics.Checked(outcome.Result, _time.GetElapsedTime(started));
        if (_selector.RecordCheck(server, outcome.Passed, outcome.Result, current.Rise, current.Fall))
            _log(0, server.Health.CheckedDown
                ? $"server {index} is down: {current.Fall} checks failed in a row, the last {outcome.Result}"
                : $"server {index} is up: {current.Rise} checks passed in a row");
    }

    private void Grow(int count)
    {
        var grown = new Schedule[count];
        _schedules.CopyTo(grown, 0);
        for (var i = _schedules.Length; i < count; i++) grown[i] = new Schedule();
        _schedules = grown;
    }

    /// <summary>When a server's next check is due (a <see cref="TimeProvider"/> timestamp; 0 = not scheduled) and whether one runs.</summary>
    private sealed class Schedule
    {
        public long NextDue;
        public bool InFlight;
    }
}
