using Quill.Core.Configuration;
using Quill.Core.Health;
using Xunit;

namespace Quill.Core.Tests.Selection;

/// <summary>Slow start: the share of new clients of a server that came back, measured over windows of its ramp.</summary>
public sealed class SlowStartTests
{
    private const int RampSeconds = 10;

    /// <summary>The share server 0 gets of 200 picks spread over one second starting <paramref name="from"/> seconds into the ramp.</summary>
    private static double ShareOfZero(SelectorFixture f, double from)
    {
        f.Time.SetUtcNow(SelectorFixture.Start + TimeSpan.FromSeconds(from));
        var picks = new List<int>();
        for (var i = 0; i < 200; i++)
        {
            picks.Add(f.Pick($"10.{(int)from}.{i / 250}.{i % 250}"));
            f.Time.Advance(TimeSpan.FromMilliseconds(5));
        }

        return picks.Count(p => p == 0) / (double)picks.Count;
    }

    private static SelectorFixture CameBackAtStart(int servers, SelectionFlags flags)
    {
        var f = new SelectorFixture(servers, flags, spec: i => SelectorFixture.Spec(i, weight: 1));
        f.Settings.Health.SlowStartSeconds = RampSeconds;
        f.Selector.SetAdmin(0, AdminState.Maintenance);
        f.Selector.SetAdmin(0, AdminState.Normal);
        return f;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void RoundRobin_ShareRampsLinearly(int servers)
    {
        var f = CameBackAtStart(servers, SelectionFlags.RoundRobin);

        foreach (var second in new[] { 1, 3, 5, 7, 9 })
        {
            var expected = (second + 0.5) / RampSeconds / servers;
            Assert.InRange(ShareOfZero(f, second), expected - 0.03, expected + 0.03);
        }

        Assert.InRange(ShareOfZero(f, RampSeconds + 1), 1.0 / servers - 0.01, 1.0 / servers + 0.01);
    }

    [Fact]
    public void WeightMode_ShareRises()
    {
        var f = CameBackAtStart(2, SelectionFlags.Weight);

        var early = ShareOfZero(f, 1);
        var late = ShareOfZero(f, 8);

        Assert.True(early < 0.2, $"early share {early}");
        Assert.True(late > early + 0.3, $"early {early}, late {late}");
    }

    [Fact]
    public void BlacklistingEnd_StartsTheRamp()
    {
        var f = new SelectorFixture(2, SelectionFlags.RoundRobin);
        f.Settings.Health.SlowStartSeconds = RampSeconds;
        f.Settings.BlacklistSeconds = 5;
        f.Selector.Blacklist(0, 5);

        Assert.Equal(0, ShareOfZero(f, 4));
        Assert.InRange(ShareOfZero(f, 5 + 5), 0.275 - 0.03, 0.275 + 0.03);
    }

    /// <summary>Back from down (after <c>rise</c> passing checks) or from drain: the same ramp as from maint.</summary>
    [Theory]
    [InlineData("down")]
    [InlineData("draining")]
    public void ComingBackFromDownOrDrain_StartsTheRamp(string from)
    {
        var f = new SelectorFixture(2, SelectionFlags.RoundRobin);
        f.Settings.Health.SlowStartSeconds = RampSeconds;
        var server = f.Table[0]!;
        if (from == "down") f.Selector.RecordCheck(server, passed: false, "fail:refused", rise: 1, fall: 1);
        else f.Selector.SetAdmin(0, AdminState.Draining);
        Assert.Equal(0, ShareOfZero(f, 0));

        f.Time.SetUtcNow(SelectorFixture.Start + TimeSpan.FromSeconds(2));
        if (from == "down") f.Selector.RecordCheck(server, passed: true, "ok", rise: 1, fall: 1);
        else f.Selector.SetAdmin(0, AdminState.Normal);

        Assert.InRange(ShareOfZero(f, 3), 1.5 / RampSeconds / 2 - 0.03, 1.5 / RampSeconds / 2 + 0.03);
        Assert.InRange(ShareOfZero(f, 7), 5.5 / RampSeconds / 2 - 0.03, 5.5 / RampSeconds / 2 + 0.03);
        Assert.InRange(ShareOfZero(f, RampSeconds + 3), 0.49, 0.51);
    }

    /// <summary>As the README says: prio gives every new client to the best server, ramping or not, and a hash
    /// follows the client, so a server back in either mode takes its clients at once.</summary>
    [Theory]
    [InlineData(SelectionFlags.Prio)]
    [InlineData(SelectionFlags.Hash)]
    public void PrioAndHash_AreNotRamped(SelectionFlags mode)
    {
        var steady = new SelectorFixture(3, mode, spec: i => SelectorFixture.Spec(i, prio: i));
        var back = new SelectorFixture(3, mode, spec: i => SelectorFixture.Spec(i, prio: i));
        back.Settings.Health.SlowStartSeconds = RampSeconds;
        back.Selector.SetAdmin(0, AdminState.Maintenance);
        back.Selector.SetAdmin(0, AdminState.Normal);

        var share = ShareOfZero(back, 1);
        Assert.Equal(ShareOfZero(steady, 1), share);
        Assert.True(share > 0.2, $"share {share}: the comparison proves nothing");
    }

    [Fact]
    public void OwnSlowStart_WinsOverTheDefault()
    {
        var f = new SelectorFixture(2, SelectionFlags.RoundRobin);
        f.Settings.Health.SlowStartSeconds = 100;
        f.Table[0]!.HealthSettings.SlowStartSeconds = 0;
        f.Selector.SetAdmin(0, AdminState.Draining);
        f.Selector.SetAdmin(0, AdminState.Normal);

        Assert.InRange(ShareOfZero(f, 0), 0.49, 0.51);
    }
}
