using Quill.Core.Configuration;
using Quill.Core.Model;
using Xunit;

namespace Quill.Core.Tests.Selection;

public sealed class RoundRobinPickTests
{
    [Fact]
    public void Begin_FirstPickAfterStart_IsServerOne()
    {
        var f = new SelectorFixture(3);

        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 5000);

        Assert.Equal(1, attempt.Server);
        Assert.Equal(f.Table[1]!.EndPoint, attempt.ServerEndPoint);
        Assert.Equal(1, attempt.InitialServer);
    }

    [Fact]
    public void Begin_SingleServer_IsServerZero()
    {
        var f = new SelectorFixture(1);

        Assert.Equal(0, f.Pick("10.0.0.1"));
    }

    [Fact]
    public void Begin_NewClients_CycleFromOneAndWrap()
    {
        var f = new SelectorFixture(3);

        int[] picks = [.. Enumerable.Range(1, 5).Select(i => f.Pick($"10.0.0.{i}"))];

        Assert.Equal([1, 2, 0, 1, 2], picks);
    }

    [Fact]
    public void Begin_BlacklistedServer_IsSkipped()
    {
        var f = new SelectorFixture(3);
        f.Selector.Blacklist(1, 60);

        Assert.Equal(2, f.Pick("10.0.0.1"));
        Assert.Equal(0, f.Pick("10.0.0.2"));
        Assert.Equal(2, f.Pick("10.0.0.3"));
    }

    [Fact]
    public void Begin_UnusedSlot_IsSkipped()
    {
        var f = new SelectorFixture(3);
        f.Table[1]!.EndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Any, 9002);

        Assert.Equal(2, f.Pick("10.0.0.1"));
    }

    [Fact]
    public void Begin_ReturningClient_GetsStoredServer()
    {
        var f = new SelectorFixture(3);
        Assert.Equal(1, f.Pick("10.0.0.1"));
        Assert.Equal(2, f.Pick("10.0.0.2"));

        Assert.Equal(1, f.Pick("10.0.0.1", port: 41000));
        Assert.Equal(1, f.Pick("10.0.0.1", port: 42000));
    }

    [Fact]
    public void Begin_StoredServerOverLimit_FailsOverInIndexOrder()
    {
        var f = new SelectorFixture(3, spec: i => SelectorFixture.Spec(i, soft: 1));
        var first = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        Assert.Equal(1, first.Server);

        var again = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 2);

        Assert.Equal(1, again.InitialServer);
        Assert.Equal(2, again.Server);
    }

    [Fact]
    public void Begin_RoundRobinFlag_IgnoresStickiness()
    {
        var f = new SelectorFixture(3, SelectionFlags.RoundRobin);

        int[] picks = [.. Enumerable.Range(0, 4).Select(_ => f.Pick("10.0.0.1"))];

        Assert.Equal([1, 2, 0, 1], picks);
        Assert.Equal(1, f.Clients.Find(SelectorFixture.Ip("10.0.0.1"))!.Value.Server);
    }

    [Fact]
    public void Begin_AllBlacklistedNoEmergency_GivesNoServer()
    {
        var f = new SelectorFixture(2);
        f.Selector.Blacklist(0, 60);
        f.Selector.Blacklist(1, 60);

        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);

        Assert.Equal(ServerIndex.None, attempt.Server);
        Assert.Null(attempt.ServerEndPoint);
        f.Selector.Finished(attempt, 0, 0);
        Assert.Equal([0, 0], f.Connections());
    }

    [Fact]
    public void Begin_NoServersAtAll_GivesNoServer()
    {
        var f = new SelectorFixture(0);

        Assert.Null(f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1).ServerEndPoint);
    }

    [Fact]
    public void Current_FollowsTheLastReservation()
    {
        var f = new SelectorFixture(3);
        Assert.Equal(0, f.Selector.Current);

        f.Pick("10.0.0.1");
        f.Pick("10.0.0.2");

        Assert.Equal(2, f.Selector.Current);
    }
}
