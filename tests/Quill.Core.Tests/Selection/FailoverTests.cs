using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Selection;
using Xunit;

namespace Quill.Core.Tests.Selection;

public sealed class FailoverTests
{
    [Fact]
    public void FailOver_ScansInIndexOrderAndWraps()
    {
        var f = new SelectorFixture(4, SelectionFlags.Hash);
        // With 4 servers the hash is the first octet mod 4: 10.x.x.x hashes to server 2.
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);
        Assert.Equal(2, attempt.Server);

        var order = new List<int>();
        while (f.Selector.FailOver(ref attempt))
        {
            order.Add(attempt.Server);
        }

        Assert.Equal([3, 0, 1], order);
        Assert.Equal(ServerIndex.None, attempt.Server);
        Assert.Null(attempt.ServerEndPoint);
        Assert.Equal([0, 0, 0, 0], f.Connections());
    }

    [Fact]
    public void FailOver_AfterEveryRegular_GoesToEmergencyThenStops()
    {
        var f = new SelectorFixture(2, SelectionFlags.Hash, emergency: true);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);

        Assert.True(f.Selector.FailOver(ref attempt));
        Assert.Equal(1, attempt.Server);
        Assert.True(f.Selector.FailOver(ref attempt));
        Assert.Equal(ServerIndex.Emergency, attempt.Server);
        Assert.Equal(f.Table.Emergency!.EndPoint, attempt.ServerEndPoint);
        Assert.Equal(1, f.Table.Emergency.Connections);

        Assert.False(f.Selector.FailOver(ref attempt));
        Assert.Equal(0, f.Table.Emergency.Connections);
        Assert.NotNull(f.Table.Emergency.FailedAt);
    }

    [Fact]
    public void FailOver_BlacklistsAndReleasesTheFailedServer()
    {
        var f = new SelectorFixture(3);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        Assert.Equal([0, 1, 0], f.Connections());

        Assert.True(f.Selector.FailOver(ref attempt));

        Assert.Equal(2, attempt.Server);
        Assert.Equal([0, 0, 1], f.Connections());
        Assert.Equal(SelectorFixture.Start, f.Table[1]!.FailedAt);
        Assert.Equal(SelectorFixture.Start.ToUnixTimeSeconds(), f.Table[1]!.Status);
        Assert.Equal(2, f.Clients.Find(SelectorFixture.Ip("10.0.0.1"))!.Value.Server);
    }

    [Fact]
    public void FailOver_SecondFailure_ScansOnFromTheCurrentServerUpToInitial()
    {
        var f = new SelectorFixture(4, SelectionFlags.Hash);
        // 9.0.0.1 hashes to 1 (9 mod 4); server 2 is made full for new clients, so failover skips it.
        f.Table[2]!.Soft = 1;
        f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("9.0.0.1"), 1);
        Assert.Equal(1, attempt.Server);

        Assert.True(f.Selector.FailOver(ref attempt));
        Assert.Equal(3, attempt.Server);
        Assert.True(f.Selector.FailOver(ref attempt));
        Assert.Equal(0, attempt.Server);
        Assert.False(f.Selector.FailOver(ref attempt));
    }

    [Fact]
    public void Begin_InitialRejected_ScanIncludesEveryOtherServer()
    {
        var f = new SelectorFixture(3, SelectionFlags.Hash);
        f.Selector.Blacklist(2, 30);
        f.Selector.Blacklist(0, 30);

        // 127.0.0.1 hashes to 2: the scan tries 0, then 1.
        Assert.Equal(1, f.Selector.Begin(SelectorFixture.Ip("127.0.0.1"), 1).Server);
    }

    [Fact]
    public void Begin_EveryRegularBlacklisted_UsesEmergency()
    {
        var f = new SelectorFixture(2, emergency: true);
        f.Selector.Blacklist(0, 30);
        f.Selector.Blacklist(1, 30);

        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);

        Assert.Equal(ServerIndex.Emergency, attempt.Server);
        Assert.Equal(ServerIndex.None, attempt.InitialServer);
    }

    [Fact]
    public void Begin_ClientStoredOnEmergency_IsRebalanced()
    {
        var f = new SelectorFixture(2, emergency: true);
        f.Selector.Blacklist(0, 30);
        f.Selector.Blacklist(1, 30);
        Assert.Equal(ServerIndex.Emergency, f.Pick("10.0.0.1"));
        Assert.Equal(ServerIndex.Emergency, f.Clients.Find(SelectorFixture.Ip("10.0.0.1"))!.Value.Server);

        f.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(1, f.Pick("10.0.0.1"));
    }

    [Fact]
    public void Begin_SingleServerRejected_GoesStraightToEmergency()
    {
        var f = new SelectorFixture(1, emergency: true, spec: i => SelectorFixture.Spec(i, soft: 1));
        Assert.Equal(0, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1).Server);

        Assert.Equal(ServerIndex.Emergency, f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1).Server);
    }

    [Fact]
    public void Begin_Stubborn_NeverFailsOver()
    {
        var f = new SelectorFixture(2, SelectionFlags.Stubborn | SelectionFlags.Hash, emergency: true);
        f.Selector.Blacklist(0, 30);

        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);

        Assert.Equal(0, attempt.InitialServer);
        Assert.Null(attempt.ServerEndPoint);
    }

    [Fact]
    public void FailOver_Stubborn_BlacklistsAndGivesUp()
    {
        var f = new SelectorFixture(2, SelectionFlags.Stubborn | SelectionFlags.Hash, emergency: true);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);

        Assert.False(f.Selector.FailOver(ref attempt));

        Assert.NotNull(f.Table[0]!.FailedAt);
        Assert.Equal([0, 0], f.Connections());
        Assert.Equal(0, f.Table.Emergency!.Connections);
    }

    [Fact]
    public void FailOver_WithoutAHeldServer_ReturnsFalse()
    {
        var f = new SelectorFixture(0);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);

        Assert.False(f.Selector.FailOver(ref attempt));
    }

    [Fact]
    public void Begin_DeniedClient_GoesToAbuseAndNeverFailsOver()
    {
        var f = new SelectorFixture(2, abuse: true, emergency: true);
        f.Selector.Admission = new DenyAll();

        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);

        Assert.Equal(ServerIndex.Abuse, attempt.Server);
        Assert.Equal(f.Table.Abuse!.EndPoint, attempt.ServerEndPoint);
        Assert.False(f.Selector.FailOver(ref attempt));
        Assert.Equal(0, f.Table.Emergency!.Connections);
    }

    [Fact]
    public void Begin_DeniedClientWithoutAbuse_IsClosed()
    {
        var f = new SelectorFixture(2, emergency: true);
        f.Selector.Admission = new DenyAll();

        Assert.Null(f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1).ServerEndPoint);
    }

    [Fact]
    public void Begin_ServerAclDenies_FailsOver()
    {
        var f = new SelectorFixture(3);
        f.Selector.Admission = new DenyServer(1);

        Assert.Equal(2, f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1).Server);
    }

    private sealed class DenyAll : IClientAdmission
    {
        public bool AllowsClient(System.Net.IPAddress? client) => false;
        public bool AllowsServer(int serverIndex, System.Net.IPAddress? client) => true;
    }

    private sealed class DenyServer(int denied) : IClientAdmission
    {
        public bool AllowsClient(System.Net.IPAddress? client) => true;
        public bool AllowsServer(int serverIndex, System.Net.IPAddress? client) => serverIndex != denied;
    }
}
