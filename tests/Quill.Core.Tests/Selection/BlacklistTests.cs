using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Selection;

public sealed class BlacklistTests
{
    // 127.0.0.1 hashes to server 2 of 3, so a blacklisted server 2 sends it to the failover target 0.
    private const SelectionFlags HashTo2 = SelectionFlags.Hash;

    [Fact]
    public void FailedServer_StaysBlacklistedForBlacklistSeconds()
    {
        var f = new SelectorFixture(3, HashTo2);
        f.Settings.BlacklistSeconds = 10;
        var attempt = f.Selector.Begin(SelectorFixture.Ip("127.0.0.1"), 1);
        Assert.Equal(2, attempt.Server);
        f.Selector.FailOver(ref attempt);
        f.Selector.Finished(attempt, 0, 0);

        f.Time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.True(f.Table[2]!.IsBlacklisted(f.Time.GetUtcNow(), TimeSpan.FromSeconds(10)));

        f.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(f.Table[2]!.IsBlacklisted(f.Time.GetUtcNow(), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void FailedServer_RecoversAfterBlacklistTime_ForNewClients()
    {
        var f = new SelectorFixture(3, HashTo2 | SelectionFlags.NoSave);
        f.Settings.BlacklistSeconds = 10;
        var attempt = f.Selector.Begin(SelectorFixture.Ip("127.0.0.1"), 1);
        f.Selector.FailOver(ref attempt);
        f.Selector.Finished(attempt, 0, 0);

        f.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, f.Pick("127.0.0.1"));
        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, f.Pick("127.0.0.1"));
    }

    [Fact]
    public void BlacklistSecondsChangedAtRuntime_AppliesToExistingFailures()
    {
        var f = new SelectorFixture(3, HashTo2 | SelectionFlags.NoSave);
        f.Selector.Blacklist(2, 30);
        Assert.Equal(0, f.Pick("127.0.0.1"));

        f.Settings.BlacklistSeconds = 0;

        Assert.Equal(2, f.Pick("127.0.0.1"));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(100)]
    public void Blacklist_LastsExactlyTSeconds_WhateverTheBlacklistTime(int seconds)
    {
        var f = new SelectorFixture(3, HashTo2 | SelectionFlags.NoSave);
        f.Settings.BlacklistSeconds = 30;

        Assert.True(f.Selector.Blacklist(2, seconds));

        f.Time.Advance(TimeSpan.FromSeconds(seconds - 0.5));
        Assert.Equal(0, f.Pick("127.0.0.1"));
        f.Time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, f.Pick("127.0.0.1"));
    }

    [Fact]
    public void Blacklist_Zero_Unblacklists()
    {
        var f = new SelectorFixture(3, HashTo2 | SelectionFlags.NoSave);
        f.Selector.Blacklist(2, 60);
        Assert.Equal(0, f.Pick("127.0.0.1"));

        Assert.True(f.Selector.Blacklist(2, 0));

        Assert.Equal(2, f.Pick("127.0.0.1"));
        Assert.Null(f.Table[2]!.FailedAt);
        Assert.Equal(0, f.Table[2]!.Status);
    }

    [Fact]
    public void Blacklist_UnknownServer_ReturnsFalse()
    {
        var f = new SelectorFixture(3);

        Assert.False(f.Selector.Blacklist(3, 10));
        Assert.False(f.Selector.Blacklist(-1, 10));
    }

    [Fact]
    public void Connected_ClearsTheBlacklistTime()
    {
        var f = new SelectorFixture(1, emergency: true);
        f.Settings.BlacklistSeconds = 10;
        var first = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        f.Selector.FailOver(ref first);
        f.Selector.Finished(first, 0, 0);
        f.Time.Advance(TimeSpan.FromSeconds(10));
        var second = f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);
        Assert.Equal(0, second.Server);
        Assert.NotNull(f.Table[0]!.FailedAt);

        f.Selector.Connected(second);

        Assert.Null(f.Table[0]!.FailedAt);
    }

    [Fact]
    public void Connected_BegunBeforeABlacklistCommand_LeavesTheBlacklistStanding()
    {
        var f = new SelectorFixture(2);
        var inFlight = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        var chosen = inFlight.Server;

        Assert.True(f.Selector.Blacklist(chosen, 60));
        f.Selector.Connected(inFlight);
        f.Time.Advance(TimeSpan.FromSeconds(59));

        Assert.True(f.Table[chosen]!.IsBlacklisted(f.Time.GetUtcNow(), TimeSpan.FromSeconds(f.Settings.BlacklistSeconds)));
        Assert.Equal(1 - chosen, f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1).Server);
    }

    [Fact]
    public void Connected_BegunBeforeAnotherConnectFailed_LeavesThatFailureStanding()
    {
        var f = new SelectorFixture(2);
        // The same client twice: it sticks to its server.
        var first = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        var second = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 2);
        Assert.Equal(first.Server, second.Server);

        f.Selector.FailOver(ref second);
        f.Selector.Connected(first);

        Assert.NotNull(f.Table[first.Server]!.FailedAt);
    }
}
