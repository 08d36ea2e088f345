using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Selection;

public sealed class PriorityPickTests
{
    private static readonly int[] Prios = [5, 1, 1, 3];

    private static SelectorFixture Fixture(SelectionFlags extra = SelectionFlags.RoundRobin, int soft = 0) =>
        new(4, SelectionFlags.Prio | extra, spec: i => SelectorFixture.Spec(i, soft: soft, prio: Prios[i]));

    [Fact]
    public void Begin_Prio_LowestValueLowestIndex()
    {
        var f = Fixture();

        Assert.Equal(1, f.Pick("10.0.0.1"));
        Assert.Equal(1, f.Pick("10.0.0.2"));
    }

    [Fact]
    public void Begin_PrimaryBlacklisted_NextPrioTakesOver()
    {
        var f = Fixture();
        f.Selector.Blacklist(1, 30);

        Assert.Equal(2, f.Pick("10.0.0.1"));

        f.Selector.Blacklist(2, 30);
        Assert.Equal(3, f.Pick("10.0.0.1"));
    }

    [Fact]
    public void Begin_PrimaryRecovers_TakesOverAgain()
    {
        var f = Fixture();
        f.Selector.Blacklist(1, 30);
        Assert.Equal(2, f.Pick("10.0.0.1"));

        f.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(1, f.Pick("10.0.0.1"));
    }

    [Fact]
    public void Begin_PrioWinsOverWeightAndHash()
    {
        var f = Fixture(SelectionFlags.RoundRobin | SelectionFlags.Weight | SelectionFlags.Hash);

        Assert.Equal(1, f.Pick("127.0.0.1"));
    }

    [Fact]
    public void Begin_PrimaryFull_NextAvailablePrioNotIndexOrder()
    {
        // pen would fail over from the full server 1 in index order, to server 2 with the worst prio.
        var f = new SelectorFixture(4, SelectionFlags.Prio | SelectionFlags.RoundRobin,
            spec: i => SelectorFixture.Spec(i, soft: 1, prio: new[] { 2, 1, 9, 3 }[i]));
        Assert.Equal(1, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1).Server);

        Assert.Equal(0, f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1).Server);
        Assert.Equal(3, f.Selector.Begin(SelectorFixture.Ip("10.0.0.3"), 1).Server);
    }

    [Fact]
    public void Begin_StickyClient_KeepsItsServerEvenIfPrioIsWorse()
    {
        var f = Fixture(SelectionFlags.None);
        f.Selector.Blacklist(1, 30);
        f.Selector.Blacklist(2, 30);
        Assert.Equal(3, f.Pick("10.0.0.1"));
        f.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(3, f.Pick("10.0.0.1"));
        Assert.Equal(1, f.Pick("10.0.0.2"));
    }
}
