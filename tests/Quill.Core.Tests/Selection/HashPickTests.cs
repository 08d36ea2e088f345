using Quill.Core.Configuration;
using Quill.Core.Model;
using Quill.Core.Selection;
using Xunit;

namespace Quill.Core.Tests.Selection;

public sealed class HashPickTests
{
    private static ClientKey Key(string ip) => ClientKey.From(SelectorFixture.Ip(ip));

    [Fact]
    public void PenHash_LoopbackThreeServers_IsTwo() =>
        // 127.0.0.1 read little-endian is 0x0100007F = 16777343, and 16777343 % 3 = 2 (checked against pen).
        Assert.Equal(2, HashPick.PenHash(Key("127.0.0.1"), 40000, withPort: false, 3));

    [Fact]
    public void PenHash_PortIgnoredWithoutRoundRobin() =>
        Assert.Equal(
            HashPick.PenHash(Key("127.0.0.1"), 40000, withPort: false, 3),
            HashPick.PenHash(Key("127.0.0.1"), 40001, withPort: false, 3));

    [Theory]
    // 0x0100007F ^ 0x409C (port 40000 = 0x9C40, bytes swapped) = 0x010040E3 = 16793827; % 3 = 1.
    [InlineData(40000, 1)]
    // 0x0100007F ^ 0x419C (port 40001) = 0x010041E3 = 16794083; % 3 = 2.
    [InlineData(40001, 2)]
    public void PenHash_WithPort_XorsSwappedPort(int port, int expected) =>
        Assert.Equal(expected, HashPick.PenHash(Key("127.0.0.1"), port, withPort: true, 3));

    [Theory]
    [InlineData("::1", 3, 1)]
    [InlineData("2001:db8::5", 4, 1)]
    [InlineData("2001:db8::ff", 7, 3)]
    public void PenHash_IPv6_IsLastByteModulo(string ip, int servers, int expected) =>
        Assert.Equal(expected, HashPick.PenHash(Key(ip), 1234, withPort: true, servers));

    [Fact]
    public void PenHash_UnixClient_IsZero() =>
        Assert.Equal(0, HashPick.PenHash(ClientKey.Unix, 0, withPort: true, 5));

    [Fact]
    public void PenHash_IPv4MappedIPv6_HashesAsIPv4() =>
        Assert.Equal(2, HashPick.PenHash(Key("::ffff:127.0.0.1"), 0, withPort: false, 3));

    [Fact]
    public void Begin_HashMode_PicksHashedServer()
    {
        var f = new SelectorFixture(3, SelectionFlags.Hash);

        Assert.Equal(2, f.Pick("127.0.0.1"));
        Assert.Equal(2, f.Pick("127.0.0.1"));
    }

    [Fact]
    public void Begin_HashWithRoundRobin_FollowsThePort()
    {
        var f = new SelectorFixture(3, SelectionFlags.Hash | SelectionFlags.RoundRobin);

        Assert.Equal(1, f.Pick("127.0.0.1", 40000));
        Assert.Equal(2, f.Pick("127.0.0.1", 40001));
    }

    [Fact]
    public void Begin_HashedServerBlacklisted_FailsOverToNext()
    {
        var f = new SelectorFixture(3, SelectionFlags.Hash);
        f.Selector.Blacklist(2, 60);

        var attempt = f.Selector.Begin(SelectorFixture.Ip("127.0.0.1"), 1);

        Assert.Equal(2, attempt.InitialServer);
        Assert.Equal(0, attempt.Server);
    }

    [Fact]
    public void Begin_UnixClient_HashesToZero()
    {
        var f = new SelectorFixture(3, SelectionFlags.Hash);

        Assert.Equal(0, f.Selector.Begin(null, 0).Server);
    }

    [Fact]
    public void Begin_NoSave_HashesEveryTimeAndStoresNothing()
    {
        var f = new SelectorFixture(3, SelectionFlags.Hash | SelectionFlags.NoSave);

        Assert.Equal(2, f.Pick("127.0.0.1"));
        Assert.Equal(ServerIndex.None, f.Clients.Find(SelectorFixture.Ip("127.0.0.1"))!.Value.Server);

        // A dead server is not remembered either: the client goes back to its hash once the server recovers.
        f.Selector.Blacklist(2, 10);
        Assert.Equal(0, f.Pick("127.0.0.1"));
        f.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, f.Pick("127.0.0.1"));
    }

    [Fact]
    public void Begin_NoSaveWithRoundRobin_SpreadsOneClientByPort()
    {
        var f = new SelectorFixture(3, SelectionFlags.Hash | SelectionFlags.NoSave | SelectionFlags.RoundRobin);

        Assert.Equal(1, f.Pick("127.0.0.1", 40000));
        Assert.Equal(2, f.Pick("127.0.0.1", 40001));
    }

    [Fact]
    public void Begin_HashWithoutNoSave_StoresAndSticks()
    {
        var f = new SelectorFixture(3, SelectionFlags.Hash);
        f.Selector.Blacklist(2, 10);
        Assert.Equal(0, f.Pick("127.0.0.1"));
        f.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, f.Pick("127.0.0.1"));
    }
}
