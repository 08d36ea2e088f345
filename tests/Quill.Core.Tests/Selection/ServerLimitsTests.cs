using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Selection;
using Xunit;

namespace Quill.Core.Tests.Selection;

public sealed class ServerLimitsTests
{
    private static IPAddress Ip(string text) => SelectorFixture.Ip(text);

    [Fact]
    public void Begin_NewClientAtSoftLimit_FailsOver()
    {
        var f = new SelectorFixture(2, SelectionFlags.Hash, spec: i => SelectorFixture.Spec(i, soft: 2));
        // With 2 servers the hash is the first octet's parity: every 10.x.x.x client hashes to server 0.
        Assert.Equal(0, f.Selector.Begin(Ip("10.0.0.2"), 1).Server);
        Assert.Equal(0, f.Selector.Begin(Ip("10.0.0.4"), 1).Server);

        Assert.Equal(1, f.Selector.Begin(Ip("10.0.0.6"), 1).Server);
    }

    [Fact]
    public void Begin_StickyClientAboveSoft_AdmittedUpToHard()
    {
        var f = new SelectorFixture(2, SelectionFlags.Hash, spec: i => SelectorFixture.Spec(i, soft: i == 0 ? 1 : 0, hard: 3));
        Assert.Equal(0, f.Selector.Begin(Ip("10.0.0.2"), 1).Server);

        Assert.Equal(0, f.Selector.Begin(Ip("10.0.0.2"), 2).Server);
        Assert.Equal(0, f.Selector.Begin(Ip("10.0.0.2"), 3).Server);
        Assert.Equal(1, f.Selector.Begin(Ip("10.0.0.2"), 4).Server);
        Assert.Equal(1, f.Selector.Begin(Ip("10.0.0.4"), 1).Server);
        Assert.Equal([3, 2], f.Connections());
    }

    [Fact]
    public void Begin_HardZero_MeansHardEqualsSoft()
    {
        var f = new SelectorFixture(2, SelectionFlags.Hash, spec: i => SelectorFixture.Spec(i, soft: 1));
        Assert.Equal(0, f.Selector.Begin(Ip("10.0.0.2"), 1).Server);

        Assert.Equal(1, f.Selector.Begin(Ip("10.0.0.2"), 2).Server);
    }

    [Fact]
    public void Begin_SoftZero_IsUnlimited()
    {
        var f = new SelectorFixture(2, SelectionFlags.Hash, spec: i => SelectorFixture.Spec(i, soft: 0, hard: 1));

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(0, f.Selector.Begin(Ip($"10.0.0.{2 * i}"), 1).Server);
        }
    }

    [Fact]
    public void Begin_EveryServerFull_GivesNoServer()
    {
        var f = new SelectorFixture(2, spec: i => SelectorFixture.Spec(i, soft: 1));
        f.Selector.Begin(Ip("10.0.0.1"), 1);
        f.Selector.Begin(Ip("10.0.0.2"), 1);

        var attempt = f.Selector.Begin(Ip("10.0.0.3"), 1);

        Assert.Null(attempt.ServerEndPoint);
        Assert.Equal([1, 1], f.Connections());
    }

    [Fact]
    public void Begin_LimitRaisedAtRuntime_TakesEffect()
    {
        var f = new SelectorFixture(1, spec: i => SelectorFixture.Spec(i, soft: 1));
        f.Selector.Begin(Ip("10.0.0.1"), 1);
        Assert.Null(f.Selector.Begin(Ip("10.0.0.2"), 1).ServerEndPoint);

        f.Table[0]!.Soft = 2;

        Assert.Equal(0, f.Selector.Begin(Ip("10.0.0.2"), 1).Server);
    }
}
