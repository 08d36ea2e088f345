using System.Net;
using Quill.Core.Model;
using Quill.Core.Peers;
using Quill.Core.Tests.Selection;
using Xunit;

namespace Quill.Core.Tests.Peers;

public sealed class AssignmentApplierTests
{
    private static ClientAssignment To(string client, int port, double ageSeconds = 0) =>
        new(IPAddress.Parse(client), "127.0.0.1", port, TimeSpan.FromSeconds(ageSeconds));

    [Fact]
    public void Apply_FindsTheServerByAddress_NotByThePeersIndex()
    {
        // Here the servers are 9001, 9002, 9003: the peer's first server may be this one's third.
        var fixture = new SelectorFixture(3);
        var applier = new AssignmentApplier(fixture.Table, fixture.Clients, fixture.Time);

        Assert.Equal(AssignmentApplier.Outcome.Applied, applier.Apply(To("10.0.0.7", 9003)));

        Assert.Equal(2, fixture.Clients.Find(IPAddress.Parse("10.0.0.7"))!.Value.Server);
        Assert.Equal(2, fixture.Pick("10.0.0.7"));
    }

    [Fact]
    public void Apply_AServerThisQuillDoesNotHave_ChangesNothing()
    {
        var fixture = new SelectorFixture(3);
        var applier = new AssignmentApplier(fixture.Table, fixture.Clients, fixture.Time);

        Assert.Equal(AssignmentApplier.Outcome.UnknownServer, applier.Apply(To("10.0.0.7", 9999)));

        Assert.Null(fixture.Clients.Find(IPAddress.Parse("10.0.0.7")));
    }

    [Fact]
    public void Apply_AfterTheServerMoved_FollowsItsNewSlot()
    {
        var fixture = new SelectorFixture(3);
        var applier = new AssignmentApplier(fixture.Table, fixture.Clients, fixture.Time);
        applier.Apply(To("10.0.0.7", 9003));

        fixture.Table[2]!.EndPoint = new IPEndPoint(IPAddress.Loopback, 9004);
        fixture.Table[0]!.EndPoint = new IPEndPoint(IPAddress.Loopback, 9003);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(AssignmentApplier.Outcome.Applied, applier.Apply(To("10.0.0.8", 9003)));
        Assert.Equal(0, fixture.Clients.Find(IPAddress.Parse("10.0.0.8"))!.Value.Server);
    }

    [Fact]
    public void Apply_AnOlderUseThanTheTableKnows_IsIgnored_SoBothSidesKeepTheNewest()
    {
        var fixture = new SelectorFixture(3);
        var applier = new AssignmentApplier(fixture.Table, fixture.Clients, fixture.Time);
        var here = fixture.Pick("10.0.0.7");
        var other = (here + 1) % 3;

        Assert.Equal(AssignmentApplier.Outcome.Older, applier.Apply(To("10.0.0.7", 9001 + other, ageSeconds: 5)));
        Assert.Equal(here, fixture.Clients.Find(IPAddress.Parse("10.0.0.7"))!.Value.Server);

        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(AssignmentApplier.Outcome.Applied, applier.Apply(To("10.0.0.7", 9001 + other, ageSeconds: 5)));
        var entry = fixture.Clients.Find(IPAddress.Parse("10.0.0.7"))!.Value;
        Assert.Equal(other, entry.Server);
        Assert.Equal(fixture.Time.GetUtcNow() - TimeSpan.FromSeconds(5), entry.Last);
    }

    [Fact]
    public void Apply_DoesNotEchoToThePeers()
    {
        var fixture = new SelectorFixture(3);
        fixture.Clients.Changes = new ClientChanges();
        using var peer = fixture.Clients.Changes.Subscribe();

        new AssignmentApplier(fixture.Table, fixture.Clients, fixture.Time).Apply(To("10.0.0.7", 9002));

        Assert.False(peer.Changes.TryRead(out _));
    }
}
