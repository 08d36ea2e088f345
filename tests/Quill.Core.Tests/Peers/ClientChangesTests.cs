using System.Net;
using Quill.Core.Peers;
using Quill.Core.Tests.Selection;
using Xunit;

namespace Quill.Core.Tests.Peers;

public sealed class ClientChangesTests
{
    [Fact]
    public void ANewClient_IsPublished_ThenOnlyAChangeOrTheRefresh()
    {
        var fixture = new SelectorFixture(3);
        fixture.Clients.Changes = new ClientChanges();
        using var peer = fixture.Clients.Changes.Subscribe();

        var server = fixture.Pick("10.0.0.7");
        Assert.True(peer.Changes.TryRead(out var change));
        Assert.Equal(IPAddress.Parse("10.0.0.7"), change.Client);
        Assert.Equal(server, change.Server);

        fixture.Pick("10.0.0.7");
        Assert.False(peer.Changes.TryRead(out _));

        fixture.Time.Advance(ClientChanges.Refresh);
        fixture.Pick("10.0.0.7");
        Assert.True(peer.Changes.TryRead(out _));
    }

    [Fact]
    public void AFullQueue_DropsAndMarksThePeerBehind_WithoutBlocking()
    {
        var fixture = new SelectorFixture(3, clients: ClientChanges.QueueLength + 10);
        fixture.Clients.Changes = new ClientChanges();
        using var peer = fixture.Clients.Changes.Subscribe();

        for (var i = 0; i < ClientChanges.QueueLength + 1; i++) fixture.Pick(new IPAddress(0x0a000000 + i).ToString());

        Assert.True(peer.Behind);
        peer.StartOver();
        Assert.False(peer.Behind);
        Assert.False(peer.Changes.TryRead(out _));
    }

    [Fact]
    public void AClosedSubscription_GetsNothingMore()
    {
        var fixture = new SelectorFixture(3);
        fixture.Clients.Changes = new ClientChanges();
        var peer = fixture.Clients.Changes.Subscribe();
        peer.Dispose();

        fixture.Pick("10.0.0.7");

        Assert.False(peer.Changes.TryRead(out _));
    }
}
