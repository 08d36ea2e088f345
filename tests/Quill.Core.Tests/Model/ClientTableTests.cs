using System.Net;
using Microsoft.Extensions.Time.Testing;
using Quill.Core.Model;
using Xunit;

namespace Quill.Core.Tests.Model;

public sealed class ClientTableTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    private static int Record(ClientTable table, IPAddress? ip) => table.Record(ClientKey.From(ip), out _);

    [Fact]
    public void Record_NewClient_StartsWithNoServerAndOneConnect()
    {
        var table = new ClientTable(4, _time);

        Record(table, Ip("10.0.0.1"));

        var entry = table.Find(Ip("10.0.0.1"))!.Value;
        Assert.Equal(ServerIndex.None, entry.Server);
        Assert.Equal(1, entry.Connects);
        Assert.Equal(_time.GetUtcNow(), entry.Last);
        Assert.Equal(Ip("10.0.0.1"), entry.Address);
    }

    [Fact]
    public void Record_SameIpAnyPort_IsOneClient()
    {
        var table = new ClientTable(4, _time);

        var first = Record(table, Ip("10.0.0.1"));
        _time.Advance(TimeSpan.FromSeconds(3));
        var second = Record(table, Ip("10.0.0.1"));

        Assert.Equal(first, second);
        var entry = Assert.Single(table.Snapshot());
        Assert.Equal(2, entry.Connects);
        Assert.Equal(_time.GetUtcNow(), entry.Last);
    }

    [Fact]
    public void Record_UnixClients_ShareOneSlot()
    {
        var table = new ClientTable(4, _time);

        Record(table, null);
        Record(table, null);

        var entry = Assert.Single(table.Snapshot());
        Assert.Null(entry.Address);
        Assert.Equal(2, entry.Connects);
    }

    [Fact]
    public void Record_IPv4MappedIPv6_IsTheIPv4Client()
    {
        var table = new ClientTable(4, _time);

        Record(table, Ip("10.0.0.1"));
        Record(table, Ip("::ffff:10.0.0.1"));

        Assert.Equal(2, Assert.Single(table.Snapshot()).Connects);
    }

    [Fact]
    public void Record_IPv6_KeepsTheWholeAddress()
    {
        var table = new ClientTable(4, _time);

        Record(table, Ip("2001:db8::1"));
        Record(table, Ip("2001:db9::1"));

        Assert.Equal([Ip("2001:db8::1"), Ip("2001:db9::1")], table.Snapshot().Select(e => e.Address));
    }

    [Fact]
    public void Record_Full_EvictsLeastRecentlyUsed()
    {
        var table = new ClientTable(3, _time);
        Record(table, Ip("10.0.0.1"));
        Record(table, Ip("10.0.0.2"));
        Record(table, Ip("10.0.0.3"));
        Record(table, Ip("10.0.0.1"));

        var slot = Record(table, Ip("10.0.0.4"));

        Assert.Null(table.Find(Ip("10.0.0.2")));
        Assert.NotNull(table.Find(Ip("10.0.0.1")));
        Assert.Equal(1, slot);
        Assert.Equal(3, table.Snapshot().Count);
    }

    [Fact]
    public void Record_EvictedClientReturns_IsNew()
    {
        var table = new ClientTable(1, _time);
        var slot = table.Record(ClientKey.From(Ip("10.0.0.1")), out var generation);
        table.StoreServer(slot, generation, 2);
        Record(table, Ip("10.0.0.2"));

        Record(table, Ip("10.0.0.1"));

        var entry = table.Find(Ip("10.0.0.1"))!.Value;
        Assert.Equal(ServerIndex.None, entry.Server);
        Assert.Equal(1, entry.Connects);
    }

    [Fact]
    public void Record_ManyMoreClientsThanSlots_KeepsTheMostRecent()
    {
        var table = new ClientTable(1000, _time);

        for (var i = 0; i < 1500; i++)
        {
            Record(table, new IPAddress([10, 0, (byte)(i / 256), (byte)i]));
        }

        var kept = table.Snapshot().Select(e => e.Address).ToHashSet();
        Assert.Equal(1000, kept.Count);
        Assert.DoesNotContain(new IPAddress([10, 0, 0, 0]), kept);
        Assert.DoesNotContain(new IPAddress([10, 0, 1, 243]), kept);
        Assert.Contains(new IPAddress([10, 0, 1, 244]), kept);
        Assert.Contains(new IPAddress([10, 0, 5, 219]), kept);
    }

    [Fact]
    public void Record_ExpiredClient_IsReallyForgotten()
    {
        var table = new ClientTable(4, _time, trackingSeconds: 10);
        var slot = table.Record(ClientKey.From(Ip("10.0.0.1")), out var generation);
        table.StoreServer(slot, generation, 1);
        table.AddBytes(slot, generation, 50, 60);

        _time.Advance(TimeSpan.FromSeconds(10.5));
        var again = table.Record(ClientKey.From(Ip("10.0.0.1")), out var newGeneration);

        Assert.Equal(ServerIndex.None, table.StoredServer(again, newGeneration));
        var entry = table.Find(Ip("10.0.0.1"))!.Value;
        Assert.Equal(1, entry.Connects);
        Assert.Equal(0, entry.SentToClient);
        Assert.Equal(ServerIndex.None, table.StoredServer(slot, generation));
    }

    [Fact]
    public void Record_WithinTrackingTime_KeepsTheServer()
    {
        var table = new ClientTable(4, _time, trackingSeconds: 10);
        var slot = table.Record(ClientKey.From(Ip("10.0.0.1")), out var generation);
        table.StoreServer(slot, generation, 1);

        _time.Advance(TimeSpan.FromSeconds(10));
        var again = table.Record(ClientKey.From(Ip("10.0.0.1")), out var sameGeneration);

        Assert.Equal(1, table.StoredServer(again, sameGeneration));
    }

    [Fact]
    public void Snapshot_LeavesOutExpiredClients()
    {
        var table = new ClientTable(4, _time) { TrackingSeconds = 10 };
        Record(table, Ip("10.0.0.1"));
        _time.Advance(TimeSpan.FromSeconds(6));
        Record(table, Ip("10.0.0.2"));

        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(Ip("10.0.0.2"), Assert.Single(table.Snapshot()).Address);
        Assert.Null(table.Find(Ip("10.0.0.1")));
    }

    [Fact]
    public void Grow_RaisesCapacityAndNeverShrinks()
    {
        var table = new ClientTable(2, _time);
        Record(table, Ip("10.0.0.1"));
        Record(table, Ip("10.0.0.2"));

        table.Grow(3);
        Record(table, Ip("10.0.0.3"));
        table.Grow(1);

        Assert.Equal(3, table.Capacity);
        Assert.Equal(3, table.Snapshot().Count);
        Record(table, Ip("10.0.0.4"));
        Assert.Null(table.Find(Ip("10.0.0.1")));
    }

    [Fact]
    public void Grow_BeyondInitialAllocation_KeepsEveryClient()
    {
        var table = new ClientTable(3, _time);
        table.Grow(10_000);

        for (var i = 0; i < 10_000; i++)
        {
            Record(table, new IPAddress([10, 1, (byte)(i / 256), (byte)i]));
        }

        Assert.Equal(10_000, table.Snapshot().Count);
        Assert.NotNull(table.Find(new IPAddress([10, 1, 0, 0])));
    }

    [Fact]
    public void Record_ExistingClient_AllocatesNothing()
    {
        var table = new ClientTable(1000, _time);
        var key = ClientKey.From(Ip("10.0.0.1"));
        table.Record(key, out _);
        table.Record(key, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            table.Record(key, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void ClientKey_From_AllocatesNothing()
    {
        var ip = Ip("2001:db8::1");
        ClientKey.From(ip);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var key = ClientKey.From(ip);

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(ip, key.ToAddress());
    }

    [Fact]
    public void Constructor_ZeroCapacity_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientTable(0, _time));
    [Fact]
    public void Merge_MovedClient_KeepsItsServerLastUseAndCounters()
    {
        var table = new ClientTable(4, _time);
        var last = _time.GetUtcNow() - TimeSpan.FromSeconds(7);

        table.Merge(new ClientEntry(-1, Ip("10.0.0.9"), last, 2, 5, 1000, 300));

        var entry = table.Find(Ip("10.0.0.9"))!.Value;
        Assert.Equal((2, 5L, 1000L, 300L, last), (entry.Server, entry.Connects, entry.SentToClient, entry.ReceivedFromClient, entry.Last));
    }

    [Fact]
    public void Merge_ClientAlreadyHere_AddsCountersAndKeepsItsOwnServer()
    {
        var table = new ClientTable(4, _time);
        var slot = table.Record(ClientKey.From(Ip("10.0.0.9")), out var generation);
        table.StoreServer(slot, generation, 1);

        table.Merge(new ClientEntry(-1, Ip("10.0.0.9"), _time.GetUtcNow(), 2, 5, 1000, 300));

        var entry = table.Find(Ip("10.0.0.9"))!.Value;
        Assert.Equal((1, 6L, 1000L, 300L), (entry.Server, entry.Connects, entry.SentToClient, entry.ReceivedFromClient));
    }

    [Fact]
    public void Locate_FindsTheSlotWithoutCountingAConnect()
    {
        var table = new ClientTable(4, _time);
        var slot = Record(table, Ip("10.0.0.1"));

        Assert.Equal(slot, table.Locate(ClientKey.From(Ip("10.0.0.1")), out _));
        Assert.Equal(1, table.Find(Ip("10.0.0.1"))!.Value.Connects);
    }
}
