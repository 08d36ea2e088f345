using System.Net;
using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Selection;

public sealed class CountingTests
{
    [Fact]
    public void Begin_CountsTheConnectionAtOnce_FinishedReleasesIt()
    {
        var f = new SelectorFixture(2);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        Assert.Equal([0, 1], f.Connections());

        f.Selector.Connected(attempt);
        Assert.Equal([0, 1], f.Connections());
        f.Selector.Finished(attempt, 100, 2000);

        Assert.Equal([0, 0], f.Connections());
    }

    [Fact]
    public void Finished_AddsBytesToServerAndClient()
    {
        var f = new SelectorFixture(2);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        f.Selector.Connected(attempt);

        f.Selector.Transferred(attempt, 10, 20);
        f.Selector.Finished(attempt, 100, 2000);

        var server = f.Table[1]!;
        Assert.Equal(110, server.SentToServer);
        Assert.Equal(2020, server.ReceivedFromServer);
        var client = f.Clients.Find(SelectorFixture.Ip("10.0.0.1"))!.Value;
        Assert.Equal(2020, client.SentToClient);
        Assert.Equal(110, client.ReceivedFromClient);
    }

    [Fact]
    public void Finished_CalledTwice_CountNeverNegative()
    {
        var f = new SelectorFixture(1);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);

        f.Selector.Finished(attempt, 0, 0);
        f.Selector.Finished(attempt, 0, 0);

        Assert.Equal(0, f.Table[0]!.Connections);
    }

    [Fact]
    public void Finished_AfterFailedAttempt_ReleasesNothing()
    {
        var f = new SelectorFixture(2, SelectionFlags.Stubborn);
        var holder = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        var attempt = f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);
        Assert.False(f.Selector.FailOver(ref attempt));

        f.Selector.Finished(attempt, 0, 0);

        Assert.Equal(1, f.Table[holder.Server]!.Connections);
    }

    [Fact]
    public void Finished_ForEvictedClient_DoesNotTouchTheNewOccupant()
    {
        var f = new SelectorFixture(2, clients: 1);
        var old = f.Selector.Begin(SelectorFixture.Ip("10.0.0.1"), 1);
        f.Selector.Begin(SelectorFixture.Ip("10.0.0.2"), 1);

        f.Selector.Finished(old, 5, 5);

        var entry = Assert.Single(f.Clients.Snapshot());
        Assert.Equal(IPAddress.Parse("10.0.0.2"), entry.Address);
        Assert.Equal(0, entry.SentToClient);
    }

    [Theory]
    [InlineData(SelectionFlags.None)]
    [InlineData(SelectionFlags.RoundRobin)]
    [InlineData(SelectionFlags.Weight | SelectionFlags.RoundRobin)]
    [InlineData(SelectionFlags.Hash | SelectionFlags.NoSave)]
    public void BeginAndFinished_KnownClient_AllocateNothing(SelectionFlags flags)
    {
        var f = new SelectorFixture(3, flags, spec: i => SelectorFixture.Spec(i, weight: 1));
        var client = IPAddress.Parse("10.0.0.1");
        f.Selector.Finished(f.Selector.Begin(client, 1), 1, 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var attempt = f.Selector.Begin(client, i);
            f.Selector.Connected(attempt);
            f.Selector.Finished(attempt, 10, 10);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void BeginAndFinished_FromManyThreads_KeepCountsConsistent()
    {
        var f = new SelectorFixture(4, SelectionFlags.Weight | SelectionFlags.RoundRobin, clients: 64,
            spec: i => SelectorFixture.Spec(i, soft: 20, weight: 10 * (i + 1)));
        // Failovers blacklist servers; with blacklist time 0 they stay usable and the run keeps all four busy.
        f.Settings.BlacklistSeconds = 0;
        const int Threads = 8;
        const int Rounds = 5000;
        var peakSeen = 0;
        var served = 0;

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var rng = new Random(t);
            for (var i = 0; i < Rounds; i++)
            {
                var attempt = f.Selector.Begin(new IPAddress([10, 1, (byte)t, (byte)rng.Next(256)]), i);
                if (attempt.ServerEndPoint is not null && rng.Next(4) == 0)
                {
                    f.Selector.FailOver(ref attempt);
                }

                if (attempt.ServerEndPoint is not null)
                {
                    f.Selector.Connected(attempt);
                    Interlocked.Increment(ref served);
                }

                InterlockedMax(ref peakSeen, f.Table.Regular.Max(s => s.Connections));
                f.Selector.Finished(attempt, 1, 2);
            }
        });

        Assert.Equal([0, 0, 0, 0], f.Connections());
        Assert.InRange(peakSeen, 1, 20);
        Assert.Equal(served, f.Table.Regular.Sum(s => s.SentToServer));
        Assert.Equal(2L * served, f.Table.Regular.Sum(s => s.ReceivedFromServer));
        Assert.Equal(64, f.Clients.Snapshot().Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
