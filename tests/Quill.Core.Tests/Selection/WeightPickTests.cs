using Quill.Core.Configuration;
using Quill.Core.Model;
using Xunit;

namespace Quill.Core.Tests.Selection;

public sealed class WeightPickTests
{
    private const SelectionFlags WeightOnly = SelectionFlags.Weight | SelectionFlags.RoundRobin;

    [Fact]
    public void Begin_Weights100And200_SplitOneToTwo()
    {
        var f = new SelectorFixture(2, WeightOnly, spec: i => SelectorFixture.Spec(i, weight: (i + 1) * 100));

        for (var i = 0; i < 30; i++)
        {
            f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), i);
        }

        Assert.Equal([10, 20], f.Connections());
    }

    [Fact]
    public void Begin_EqualLoad_GoesToLowestIndex()
    {
        var f = new SelectorFixture(3, WeightOnly, spec: i => SelectorFixture.Spec(i, weight: 10));

        Assert.Equal(0, f.Pick("10.0.0.1"));
        Assert.Equal(0, f.Pick("10.0.0.1"));
    }

    [Fact]
    public void Begin_WeightZero_NeverChosen()
    {
        var f = new SelectorFixture(3, WeightOnly, spec: i => SelectorFixture.Spec(i, weight: i == 1 ? 5 : 0));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(1, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), i).Server);
        }
    }

    [Fact]
    public void Begin_AllWeightsZero_GivesNoInitialServer()
    {
        var f = new SelectorFixture(2, WeightOnly);

        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);

        Assert.Equal(ServerIndex.None, attempt.InitialServer);
        Assert.Null(attempt.ServerEndPoint);
    }

    [Fact]
    public void Begin_AllWeightsZeroWithEmergency_UsesEmergency()
    {
        var f = new SelectorFixture(2, WeightOnly, emergency: true);

        Assert.Equal(ServerIndex.Emergency, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1).Server);
    }

    [Fact]
    public void Begin_BlacklistedServer_NotWeighed()
    {
        var f = new SelectorFixture(2, WeightOnly, spec: i => SelectorFixture.Spec(i, weight: 100));
        f.Selector.Blacklist(0, 30);

        Assert.Equal(1, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1).Server);
        Assert.Equal(1, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 2).Server);
    }

    [Fact]
    public void Begin_ServerAtSoftLimit_SkippedForNewClients()
    {
        // Server 0 would win on load (weight 1000) but is full, so the pick goes to server 1 directly.
        var f = new SelectorFixture(2, WeightOnly,
            spec: i => SelectorFixture.Spec(i, soft: i == 0 ? 1 : 0, weight: i == 0 ? 1000 : 1));
        Assert.Equal(0, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1).Server);

        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);

        Assert.Equal(1, attempt.InitialServer);
        Assert.Equal(1, attempt.Server);
    }

    [Fact]
    public void Begin_FinishedConnections_LowerTheLoad()
    {
        var f = new SelectorFixture(2, WeightOnly, spec: i => SelectorFixture.Spec(i, weight: 100));
        var first = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        Assert.Equal(0, first.Server);
        Assert.Equal(1, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 2).Server);
        f.Selector.Finished(first, 0, 0);

        Assert.Equal(0, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 3).Server);
    }
}
