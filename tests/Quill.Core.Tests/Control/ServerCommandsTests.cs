using System.Net;
using Quill.Core.Model;
using Xunit;

namespace Quill.Core.Tests.Control;

public class ServerCommandsTests
{
    [Fact]
    public void Servers_ListsEveryRegularServerInPensFormat()
    {
        var fixture = new DispatcherFixture(servers: 2);

        Assert.Equal(
            "0 addr 127.0.0.1 port 9001 conn 0 max 0 hard 0 weight 0 prio 0 sx 0 rx 0\n"
            + "1 addr 127.0.0.1 port 9002 conn 0 max 0 hard 0 weight 0 prio 0 sx 0 rx 0\n",
            fixture.Run("servers"));
    }

    [Fact]
    public void Servers_ShowsConnectionsAndBytes()
    {
        var fixture = new DispatcherFixture(servers: 1);
        var attempt = fixture.Selection.Selector.Begin(IPAddress.Parse("10.0.0.1"), 1);
        fixture.Selection.Selector.Transferred(attempt, 55, 54);

        Assert.Equal("0 addr 127.0.0.1 port 9001 conn 1 max 0 hard 0 weight 0 prio 0 sx 55 rx 54\n", fixture.Run("servers"));
    }

    /// <summary>Found by fuzzing: the table grew one slot at a time, each growth copying it, so the highest slot
    /// number took seconds and gigabytes, holding the selector's lock that every new connection waits for.</summary>
    [Fact]
    public void Server_HighestSlotNumber_GrowsTheTableOnce()
    {
        var fixture = new DispatcherFixture(servers: 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        fixture.Run("server 65535 max 1");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(65536, fixture.Selection.Table.Count);
        Assert.Equal(1, fixture.Selection.Table.Regular[65535].Soft);
        Assert.InRange(allocated, 0, 256L * 1024 * 1024);
    }

    [Fact]
    public void Server_ChangesEverySettingLive()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("server 1 acl 2 address 10.9.8.7 port 81 max 10 hard 20 weight 3 prio 4"));

        Assert.Equal("1 addr 10.9.8.7 port 81 conn 0 max 10 hard 20 weight 3 prio 4 sx 0 rx 0",
            fixture.Run("servers").Split('\n')[1]);
        var server = fixture.Selection.Table.Regular[1];
        Assert.Equal(2, server.Acl);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.9.8.7"), 81), server.EndPoint);
    }

    [Fact]
    public void Server_PortAlone_KeepsTheAddress()
    {
        var fixture = new DispatcherFixture();

        fixture.Run("server 0 port 99");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 99), fixture.Selection.Table.Regular[0].EndPoint);
    }

    [Fact]
    public void Server_PortByServiceName()
    {
        var fixture = new DispatcherFixture();

        fixture.Run("server 0 port http");

        Assert.Equal(80, fixture.Selection.Table.Regular[0].Port);
    }

    [Fact]
    public void Server_AddressIsResolvedOnce()
    {
        var fixture = new DispatcherFixture();

        fixture.Run("server 2 address backend.example");

        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 9003), fixture.Selection.Table.Regular[2].EndPoint);
    }

    [Fact]
    public void Server_BeyondTheTable_AddsUnusedSlotsUpToIt()
    {
        var fixture = new DispatcherFixture(servers: 1);

        fixture.Run("server 3 address 127.0.0.1 port 9004 weight 3");

        Assert.Equal(
            "0 addr 127.0.0.1 port 9001 conn 0 max 0 hard 0 weight 0 prio 0 sx 0 rx 0\n"
            + "1 addr 0.0.0.0 port 0 conn 0 max 0 hard 0 weight 0 prio 0 sx 0 rx 0\n"
            + "2 addr 0.0.0.0 port 0 conn 0 max 0 hard 0 weight 0 prio 0 sx 0 rx 0\n"
            + "3 addr 127.0.0.1 port 9004 conn 0 max 0 hard 0 weight 3 prio 0 sx 0 rx 0\n",
            fixture.Run("servers"));
        Assert.False(fixture.Selection.Table.Regular[1].IsUsed);
    }

    [Fact]
    public void Server_NewServerIsChosen()
    {
        var fixture = new DispatcherFixture(servers: 1);
        fixture.Run("server 1 address 127.0.0.1 port 9002");
        fixture.Run("roundrobin");

        var picks = Enumerable.Range(0, 4).Select(_ => fixture.Selection.Pick("10.0.0.1")).ToArray();

        Assert.Contains(1, picks);
        Assert.Contains(0, picks);
    }

    [Fact]
    public void Server_Blacklist_TakesTheServerOutForThatLong()
    {
        var fixture = new DispatcherFixture(servers: 2);
        fixture.Run("roundrobin");

        fixture.Run("server 1 blacklist 10");

        Assert.All(Enumerable.Range(0, 3), _ => Assert.Equal(0, fixture.Selection.Pick("10.0.0.1")));
        fixture.Selection.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Contains(1, Enumerable.Range(0, 3).Select(_ => fixture.Selection.Pick("10.0.0.1")));
    }

    [Fact]
    public void Server_BlacklistZero_ClearsIt()
    {
        var fixture = new DispatcherFixture(servers: 2);
        fixture.Run("server 1 blacklist 100");

        fixture.Run("server 1 blacklist 0");

        Assert.Null(fixture.Selection.Table.Regular[1].FailedAt);
    }

    [Theory]
    [InlineData("server", "server: missing server number\n")]
    [InlineData("server x", "server: invalid number 'x'\n")]
    [InlineData("server -1 max 3", "server: invalid number '-1'\n")]
    [InlineData("server 70000 max 3", "server: server number 70000 out of range 0-65535\n")]
    [InlineData("server 1 max", "server: missing value after 'max'\n")]
    [InlineData("server 1 bogus 3", "server: unknown setting 'bogus' (expected acl, address, port, max, hard, blacklist, weight, prio, proxy)\n")]
    [InlineData("server 1 weight 3 max x", "server 1 max: invalid number 'x'\n")]
    [InlineData("server 1 acl 10", "server 1 acl: ACL number 10 out of range 0-9\n")]
    [InlineData("server 1 port 70000", "server: port '70000' out of range (1-65535)\n")]
    [InlineData("server 1 max 5 address nowhere.invalid", "server: unknown or invalid address [nowhere.invalid]\n")]
    [InlineData("server 5 weight 2 prio", "server: missing value after 'prio'\n")]
    public void BadServerCommand_IsRefusedAndChangesNothing(string command, string reply)
    {
        var fixture = new DispatcherFixture();
        var before = fixture.Snapshot();

        Assert.Equal(reply, fixture.Refuse(command));
        Assert.Equal(before, fixture.Snapshot());
    }

    [Fact]
    public void Servers_ExtraArgument_IsRefused()
    {
        Assert.Equal("servers: unexpected argument 'all'\n", new DispatcherFixture().Refuse("servers all"));
    }

    [Fact]
    public void Servers_UnusedSlotIsNeverChosen()
    {
        var fixture = new DispatcherFixture(servers: 1);
        fixture.Run("server 1 max 0");
        fixture.Run("roundrobin");

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(0, fixture.Selection.Pick("10.0.0.1")));
        Assert.NotEqual(ServerIndex.None, fixture.Selection.Pick("10.0.0.2"));
    }
}
