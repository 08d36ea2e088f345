using Quill.Core.Model;
using Quill.Net.Connections;

namespace Quill.Net.Tests.Connections;

public sealed class ConnectionLifecycleTests
{
    private static readonly ConnectFailure Refused = new("connection refused");

    [Fact]
    public void Start_ConnectsToTheSelectedServer_AndListsTheConnection()
    {
        var f = new LifecycleFixture(3);
        var (lifecycle, transport) = f.Begin();

        // pen's round robin starts after server 0.
        Assert.Equal([1], transport.Servers);
        Assert.Equal(0, lifecycle.Id);
        Assert.Equal(1, f.Registry.Find(0)!.Value.State);
        Assert.Equal(1, f.Registry.Find(0)!.Value.Pending);
        Assert.Equal([0, 1, 0], f.Connections());
    }

    [Fact]
    public void ConnectFailed_FailsOverInIndexOrder_ThenRefusesAndFinishesOnce()
    {
        var f = new LifecycleFixture(3);
        f.Begin();
        var (lifecycle, transport) = f.Begin();
        Assert.Equal([2], transport.Servers);

        lifecycle.ConnectFailed(Refused);
        lifecycle.ConnectFailed(Refused);
        lifecycle.ConnectFailed(Refused);

        Assert.Equal([2, 0, 1], transport.Servers);
        Assert.True(transport.Refused);
        Assert.Null(transport.Plan);
        Assert.All(f.Table.Regular, s => Assert.NotNull(s.FailedAt));
        Assert.Contains(f.Log.Lines, l => l == "blacklisting server 2 because connect to 127.0.0.1:9003 failed: connection refused");

        lifecycle.Ended();
        Assert.Equal([0, 1, 0], f.Connections());
        Assert.Equal(1, f.Ended);
        Assert.Equal(0, f.Registry.Find(1)!.Value.State);
    }

    [Fact]
    public void ConnectFailed_OutOfDescriptors_RefusesTheClientAndBlacklistsNoServer()
    {
        var f = new LifecycleFixture(3);
        var (lifecycle, transport) = f.Begin();

        lifecycle.ConnectFailed(ConnectFailure.Of(System.Net.Sockets.SocketError.TooManyOpenSockets));

        Assert.Equal([1], transport.Servers);
        Assert.True(transport.Refused);
        Assert.All(f.Table.Regular, s => Assert.Null(s.FailedAt));
        Assert.DoesNotContain(f.Log.Lines, l => l.StartsWith("blacklisting", StringComparison.Ordinal));
        lifecycle.Ended();
        Assert.Equal([0, 0, 0], f.Connections());
    }

    [Theory]
    [InlineData(24, true)]   // EMFILE
    [InlineData(23, true)]   // ENFILE
    [InlineData(105, true)]  // ENOBUFS
    [InlineData(111, false)] // ECONNREFUSED
    [InlineData(110, false)] // ETIMEDOUT
    public void OfErrno_OnlyQuillsOwnShortagesAreLocal(int errno, bool local) =>
        Assert.Equal(local, ConnectFailure.OfErrno(errno).IsLocal);

    [Fact]
    public void ConnectFailed_EveryRegularServer_GoesToTheEmergencyServer()
    {
        var f = new LifecycleFixture(2, emergency: true);
        var (lifecycle, transport) = f.Begin();

        lifecycle.ConnectFailed(Refused);
        lifecycle.ConnectFailed(Refused);

        Assert.Equal([1, 0, ServerIndex.Emergency], transport.Servers);
        Assert.Equal(f.Table.Emergency!.EndPoint, transport.Requests[^1].Target);
        lifecycle.Connected(serverDescriptor: 9);
        Assert.NotNull(transport.Plan);
        Assert.Equal(1, f.Table.Emergency.Connections);
    }

    [Fact]
    public void Connected_ClearsTheBlacklistingItBeganUnder()
    {
        var f = new LifecycleFixture(2);
        f.Selector.Blacklist(1, 60);
        f.Time.Advance(TimeSpan.FromSeconds(61));
        var (lifecycle, transport) = f.Begin();
        Assert.Equal([1], transport.Servers);

        lifecycle.Connected(serverDescriptor: 9);

        Assert.Null(f.Table[1]!.FailedAt);
    }

    [Fact]
    public void Connected_BlacklistSetWhileTheConnectWasInFlight_Stands()
    {
        var f = new LifecycleFixture(2);
        var (lifecycle, transport) = f.Begin();
        Assert.Equal([1], transport.Servers);

        f.Selector.Blacklist(1, 60);
        lifecycle.Connected(serverDescriptor: 9);

        Assert.NotNull(f.Table[1]!.FailedAt);
        Assert.NotNull(transport.Plan);
    }

    [Fact]
    public void Start_HardLimitReached_GoesToTheNextServer_AndNoneLeftRefuses()
    {
        var f = new LifecycleFixture(2, spec: i => LifecycleFixture.Spec(i, soft: 1, hard: 1));
        var (_, first) = f.Begin(1);
        var (_, second) = f.Begin(2);
        var (third, refused) = f.Begin(3);

        Assert.Equal([1], first.Servers);
        Assert.Equal([0], second.Servers);
        Assert.Empty(refused.Servers);
        Assert.True(refused.Refused);
        third.Ended();
        Assert.Equal([1, 1], f.Connections());
    }

    [Fact]
    public void Traffic_ReachesTheCountersEvery64KiB_AndTheRestAtTheSweepOrTheEnd()
    {
        var f = new LifecycleFixture(1);
        var (lifecycle, transport) = f.Begin();
        lifecycle.Connected(serverDescriptor: 9);
        var traffic = transport.Plan!.Traffic;
        var server = f.Table[0]!;

        traffic.ToServer(6);
        traffic.ToClient(6);
        Assert.Equal(0, server.SentToServer);

        f.Registry.ReportTraffic();
        Assert.Equal((6, 6), (server.SentToServer, server.ReceivedFromServer));

        traffic.ToClient(TrafficCounter.ReportEvery);
        Assert.Equal(6 + TrafficCounter.ReportEvery, server.ReceivedFromServer);
        var client = Assert.Single(f.Clients.Snapshot());
        Assert.Equal((6 + TrafficCounter.ReportEvery, 6L), (client.SentToClient, client.ReceivedFromClient));

        traffic.ToServer(10);
        lifecycle.Ended();
        f.Registry.ReportTraffic();
        Assert.Equal((16, 6 + TrafficCounter.ReportEvery), (server.SentToServer, server.ReceivedFromServer));
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public void ConnectFailed_AfterConnected_CountsToTheOldServer_ThenFailsOverAndCountsOn()
    {
        // A UDP server may refuse a session it answered before.
        var f = new LifecycleFixture(2);
        var (lifecycle, transport) = f.Begin();
        lifecycle.Connected(serverDescriptor: 9);
        var traffic = transport.Plan!.Traffic;
        traffic.ToServer(6);

        lifecycle.ConnectFailed(Refused);
        Assert.Equal([1, 0], transport.Servers);
        Assert.Equal(6, f.Table[1]!.SentToServer);
        Assert.Equal(1, f.Registry.Find(lifecycle.Id)!.Value.State);

        lifecycle.Connected(serverDescriptor: 10);
        Assert.Same(traffic, transport.Plan!.Traffic);
        traffic.ToServer(4);
        lifecycle.Ended();

        Assert.Equal((6, 4), (f.Table[1]!.SentToServer, f.Table[0]!.SentToServer));
        Assert.Equal([0, 0], f.Connections());
    }

    [Fact]
    public void TrafficSweep_ReportsEverySecond()
    {
        var f = new LifecycleFixture(1);
        using var sweep = new TrafficSweep(f.Registry, f.Time);
        var (lifecycle, transport) = f.Begin();
        lifecycle.Connected(serverDescriptor: 9);

        transport.Plan!.Traffic.ToServer(6);
        f.Time.Advance(TrafficSweep.Interval);

        Assert.Equal(6, f.Table[0]!.SentToServer);
    }

    [Fact]
    public void Close_AbortsTheRelay_AndViewShowsTheConnection()
    {
        var f = new LifecycleFixture(2);
        var (lifecycle, transport) = f.Begin();
        lifecycle.Connected(serverDescriptor: 9);

        var view = f.Registry.Find(lifecycle.Id)!.Value;
        Assert.Equal((2, 7L, 9L, 1, 0), (view.State, view.DownFd, view.UpFd, view.Server, view.Pending));

        Assert.True(f.Registry.Close(lifecycle.Id));
        Assert.Equal(1, transport.Aborts);
    }

    [Fact]
    public void Idlers_AreOfferedToEveryConnect_ButNotToTransparentConnections()
    {
        var f = new LifecycleFixture(1);
        var idlers = new CountingIdlers();
        f.Services.Idlers = idlers;
        f.Begin();
        Assert.Equal(1, idlers.Asked);

        f.Settings.Transparent = true;
        var (_, transport) = f.Begin();
        Assert.Equal(1, idlers.Asked);
        Assert.Equal(System.Net.IPAddress.Parse("10.0.0.1"), transport.Requests[0].TransparentFrom);
    }

    private sealed class CountingIdlers : IIdlers
    {
        public int Asked { get; private set; }

        public IdleUpstream? Take(int server, System.Net.EndPoint target)
        {
            Asked++;
            return null;
        }
    }
}
