using System.Net;
using Quill.Core.Health;
using Quill.Core.Tests.Selection;
using Xunit;

namespace Quill.Core.Tests.Health;

public sealed class HealthMonitorTests
{
    private sealed class ScriptedProbe : IHealthProbe
    {
        public List<(DateTimeOffset At, CheckTarget Target, TimeSpan Timeout)> Calls { get; } = [];
        public Func<CheckTarget, CheckOutcome> Answer { get; set; } = _ => CheckOutcome.Pass;
        /// <summary>When set, checks do not end until the test calls <see cref="Held"/>.</summary>
        public bool Hold { get; set; }
        public Action<CheckOutcome>? Held { get; private set; }
        public required TimeProvider Time { get; init; }

        public void Start(CheckTarget target, TimeSpan timeout, Action<CheckOutcome> done)
        {
            Calls.Add((Time.GetUtcNow(), target, timeout));
            if (Hold) Held = done;
            else done(Answer(target));
        }
    }

    private readonly SelectorFixture _f = new(3);
    private readonly ScriptedProbe _probe;
    private readonly HealthMonitor _monitor;
    private readonly List<string> _log = [];
    private IPAddress? _source;

    public HealthMonitorTests()
    {
        _probe = new ScriptedProbe { Time = _f.Time };
        _monitor = new HealthMonitor(_f.Selector, _f.Settings, () => _source, _probe, _f.Time, (_, message) => _log.Add(message));
    }

    /// <summary>Looks every 10 ms for <paramref name="milliseconds"/>, as the loop would.</summary>
    private void Run(int milliseconds)
    {
        for (var t = 0; t < milliseconds; t += 10)
        {
            _monitor.LookOnce();
            _f.Time.Advance(TimeSpan.FromMilliseconds(10));
        }
    }

    private int CallsTo(int server) => _probe.Calls.Count(c => ((IPEndPoint)c.Target.EndPoint).Port == 9001 + server);

    [Fact]
    public void NothingChecked_NoProbe_AndTheLoopMayIdle()
    {
        Assert.False(_monitor.LookOnce());
        Run(5000);
        Assert.Empty(_probe.Calls);
    }

    [Fact]
    public void EveryServer_IsCheckedOncePerInterval_FirstChecksSpreadOverOne()
    {
        _f.Settings.Health.Check = HealthCheck.Parse(["tcp"], out _);
        _f.Settings.Health.IntervalMs = 1000;

        Run(1000);
        var firsts = _probe.Calls.Select(c => c.At).ToList();
        Run(9000);

        Assert.Equal(3, firsts.Count);
        Assert.Equal(3, firsts.Distinct().Count());
        Assert.All(Enumerable.Range(0, 3), s => Assert.InRange(CallsTo(s), 9, 10));
    }

    [Fact]
    public void FailingChecks_TakeTheServerDownAfterFall_PassingOnesBringItUpAfterRise()
    {
        _f.Table[1]!.HealthSettings.Check = HealthCheck.Parse(["http", "/health"], out _);
        _f.Table[1]!.HealthSettings.IntervalMs = 100;
        _probe.Answer = _ => CheckOutcome.Fail("status=503");

        Run(250);
        Assert.Equal(ServerAvailability.Up, _f.Selector.Availability(1));
        Run(100);
        Assert.Equal(ServerAvailability.Down, _f.Selector.Availability(1));
        Assert.Equal("fail:status=503", _f.Table[1]!.Health.LastResult);
        Assert.Contains(_log, line => line.StartsWith("server 1 is down", StringComparison.Ordinal));

        _probe.Answer = _ => CheckOutcome.Pass;
        Run(200);
        Assert.Equal(ServerAvailability.Up, _f.Selector.Availability(1));
        Assert.Equal(0, CallsTo(0) + CallsTo(2));
    }

    [Fact]
    public void ChecksTurnedOff_ForgetTheVerdict()
    {
        _f.Settings.Health.Check = HealthCheck.Parse(["tcp"], out _);
        _f.Settings.Health.IntervalMs = 100;
        _probe.Answer = _ => CheckOutcome.Fail("refused");
        Run(400);
        Assert.Equal(ServerAvailability.Down, _f.Selector.Availability(0));

        _f.Settings.Health.Check = HealthCheck.Off;
        Run(10);

        Assert.Equal(ServerAvailability.Up, _f.Selector.Availability(0));
        Assert.Equal(ServerHealth.NoCheck, _f.Table[0]!.Health.LastResult);
        var calls = _probe.Calls.Count;
        Run(1000);
        Assert.Equal(calls, _probe.Calls.Count);
    }

    [Fact]
    public void OwnCheckOff_WinsOverTheDefault_AndSourceIsUsed()
    {
        _f.Settings.Health.Check = HealthCheck.Parse(["tcp"], out _);
        _f.Table[2]!.HealthSettings.Check = HealthCheck.Off;
        _source = IPAddress.Parse("127.0.0.9");

        Run(3000);

        Assert.Equal(0, CallsTo(2));
        Assert.True(CallsTo(0) > 0 && CallsTo(1) > 0);
        Assert.All(_probe.Calls, c => Assert.Equal(_source, c.Target.Source));
    }

    [Fact]
    public void ACheckStillRunning_IsNotStartedAgain()
    {
        _f.Table[0]!.HealthSettings.Check = HealthCheck.Parse(["tcp"], out _);
        _f.Table[0]!.HealthSettings.IntervalMs = 100;
        _probe.Hold = true;

        Run(1000);
        Assert.Single(_probe.Calls);

        _probe.Hold = false;
        _probe.Held!(CheckOutcome.Pass);
        Assert.Equal("ok", _f.Table[0]!.Health.LastResult);
        Run(100);
        Assert.Equal(2, _probe.Calls.Count);
    }

    [Fact]
    public void TheCheckTimeout_IsHandedToTheProbe()
    {
        _f.Table[0]!.HealthSettings.Check = HealthCheck.Parse(["tcp"], out _);
        _f.Table[0]!.HealthSettings.IntervalMs = 1000;
        _f.Table[0]!.HealthSettings.TimeoutMs = 300;
        _probe.Answer = _ => CheckOutcome.Fail("timeout");
        Run(10);

        Assert.Equal(TimeSpan.FromMilliseconds(300), Assert.Single(_probe.Calls).Timeout);
        Assert.Equal("fail:timeout", _f.Table[0]!.Health.LastResult);
    }

    [Fact]
    public void AResultForACheckThatChangedMeanwhile_IsIgnored()
    {
        _f.Table[0]!.HealthSettings.Check = HealthCheck.Parse(["tcp"], out _);
        _probe.Hold = true;
        Run(10);
        _f.Table[0]!.HealthSettings.Check = HealthCheck.Parse(["http", "/"], out _);

        _probe.Held!(CheckOutcome.Fail("refused"));

        Assert.Equal(ServerHealth.NoCheck, _f.Table[0]!.Health.LastResult);
    }
}
