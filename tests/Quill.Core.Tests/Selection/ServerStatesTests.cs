using Quill.Core.Configuration;
using Quill.Core.Health;
using Quill.Core.Selection;
using Xunit;

namespace Quill.Core.Tests.Selection;

/// <summary>Down (checks), draining and maintenance as selection sees them.</summary>
public sealed class ServerStatesTests
{
    private static void Checks(SelectorFixture f, int server, bool passed, int times, int rise = 2, int fall = 3)
    {
        for (var i = 0; i < times; i++)
            f.Selector.RecordCheck(f.Table[server]!, passed, passed ? "ok" : "fail:refused", rise, fall);
    }

    private static ServerAvailability State(SelectorFixture f, int server) => f.Selector.Availability(server);

    [Fact]
    public void FallFailuresInARow_TakeTheServerDown_RisePassesBringItBack()
    {
        var f = new SelectorFixture(3);
        Checks(f, 1, passed: false, times: 2);
        Checks(f, 1, passed: true, times: 1);
        Checks(f, 1, passed: false, times: 2);
        Assert.Equal(ServerAvailability.Up, State(f, 1));

        Checks(f, 1, passed: false, times: 1);
        Assert.Equal(ServerAvailability.Down, State(f, 1));
        Assert.Equal("fail:refused", f.Table[1]!.Health.LastResult);

        Checks(f, 1, passed: true, times: 1);
        Assert.Equal(ServerAvailability.Down, State(f, 1));
        Checks(f, 1, passed: true, times: 1);
        Assert.Equal(ServerAvailability.Up, State(f, 1));
    }

    [Fact]
    public void Down_StickyClientMovesOnItsNextConnection_AndStaysThere()
    {
        var f = new SelectorFixture(3);
        Assert.Equal(1, f.Pick("10.0.0.1"));
        Checks(f, 1, passed: false, times: 3);

        var moved = f.Pick("10.0.0.1");
        Assert.NotEqual(1, moved);

        Checks(f, 1, passed: true, times: 2);
        Assert.Equal(moved, f.Pick("10.0.0.1"));
    }

    [Fact]
    public void BackUpAfterRise_ClearsAPassiveBlacklisting_WithoutWaitingOutB()
    {
        var f = new SelectorFixture(2, SelectionFlags.RoundRobin);
        f.Selector.Blacklist(1, 30);
        Checks(f, 1, passed: false, times: 3);
        Checks(f, 1, passed: true, times: 2);

        Assert.Equal(ServerAvailability.Up, State(f, 1));
        Assert.Contains(1, new[] { f.Pick("10.0.0.1"), f.Pick("10.0.0.2") });
    }

    [Fact]
    public void PassiveBlacklisting_KeepsWorkingBesideChecks()
    {
        var f = new SelectorFixture(2, SelectionFlags.RoundRobin);
        Checks(f, 1, passed: true, times: 5);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        Assert.Equal(1, attempt.Server);
        f.Selector.FailOver(ref attempt);
        f.Selector.Finished(attempt, 0, 0);

        Assert.Equal(ServerAvailability.Blacklisted, State(f, 1));
        Assert.Equal([0, 0, 0], new[] { f.Pick("10.0.0.2"), f.Pick("10.0.0.3"), f.Pick("10.0.0.4") });
    }

    [Theory]
    [InlineData(SelectionFlags.None)]
    [InlineData(SelectionFlags.Hash)]
    [InlineData(SelectionFlags.Weight)]
    [InlineData(SelectionFlags.Prio)]
    public void Draining_TakesNoNewClient_StickyOnesIncluded_ButKeepsItsConnections(SelectionFlags mode)
    {
        var f = new SelectorFixture(3, mode, spec: i => SelectorFixture.Spec(i, weight: 1));
        var held = Enumerable.Range(1, 30).Select(n => f.Selector.Begin(SelectorFixture.Ip($"10.0.0.{n}"), 1)).ToList();
        var onZero = held.Where(a => a.Server == 0).ToList();
        Assert.NotEmpty(onZero);
        var clientsOfZero = onZero.Select(a => a.Client!.ToString()).ToList();

        Assert.True(f.Selector.SetAdmin(0, AdminState.Draining));

        Assert.Equal(onZero.Count, f.Table[0]!.Connections);
        Assert.All(clientsOfZero, client => Assert.NotEqual(0, f.Pick(client)));
        Assert.All(Enumerable.Range(100, 50), n => Assert.NotEqual(0, f.Pick($"10.0.1.{n}")));
    }

    [Fact]
    public void Draining_TakesClientsWhenEveryOtherServerIsUnavailable()
    {
        var f = new SelectorFixture(3);
        f.Selector.SetAdmin(0, AdminState.Draining);
        f.Selector.SetAdmin(1, AdminState.Maintenance);
        Checks(f, 2, passed: false, times: 3);

        Assert.Equal(0, f.Pick("10.0.0.1"));
    }

    [Fact]
    public void Maintenance_TakesNoConnectionAtAll()
    {
        var f = new SelectorFixture(2, emergency: false);
        f.Selector.SetAdmin(0, AdminState.Maintenance);
        Assert.All(Enumerable.Range(1, 20), n => Assert.Equal(1, f.Pick($"10.0.0.{n}")));

        f.Selector.SetAdmin(1, AdminState.Maintenance);
        Assert.Equal(Quill.Core.Model.ServerIndex.None, f.Pick("10.0.0.99"));
    }

    [Fact]
    public void Up_AfterDrainOrMaint_TakesNewClientsAgain()
    {
        var f = new SelectorFixture(2, SelectionFlags.RoundRobin);
        f.Selector.SetAdmin(0, AdminState.Maintenance);
        Assert.Equal([1, 1], new[] { f.Pick("10.0.0.1"), f.Pick("10.0.0.2") });

        f.Selector.SetAdmin(0, AdminState.Normal);

        Assert.Equal(ServerAvailability.Up, State(f, 0));
        Assert.Contains(0, new[] { f.Pick("10.0.0.3"), f.Pick("10.0.0.4") });
    }

    [Fact]
    public void StateOrder_MaintenanceThenDownThenBlacklistedThenDraining()
    {
        var f = new SelectorFixture(1);
        f.Selector.SetAdmin(0, AdminState.Draining);
        Assert.Equal(ServerAvailability.Draining, State(f, 0));
        f.Selector.Blacklist(0, 30);
        Assert.Equal(ServerAvailability.Blacklisted, State(f, 0));
        Checks(f, 0, passed: false, times: 3);
        Assert.Equal(ServerAvailability.Down, State(f, 0));
        f.Selector.SetAdmin(0, AdminState.Maintenance);
        Assert.Equal(ServerAvailability.Maintenance, State(f, 0));
    }
}
