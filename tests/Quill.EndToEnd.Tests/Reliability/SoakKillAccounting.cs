namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// Matches failed connections to kills. A connection was in flight at a kill when it started before the dead
/// nginx was reaped and ended after the SIGKILL was sent. A failure counts as broken by a kill only when it is
/// <see cref="SoakOutcome.BrokenAfterRequest"/> and in flight at a kill; every other failure is unexplained.
/// </summary>
internal sealed class SoakKillAccounting
{
    public SoakKillAccounting(SoakRecords records, IReadOnlyList<SoakKill> kills)
    {
        InFlightAtKill = new int[kills.Count];
        BrokenByKill = new int[kills.Count];
        for (var index = 0; index < records.Count; index++)
        {
            var outcome = records.Outcome(index);
            var first = FirstKillSpanned(records.Start(index), records.End(index), kills, InFlightAtKill);
            if (outcome == SoakOutcome.Completed)
                continue;
            if (outcome == SoakOutcome.BrokenAfterRequest && first >= 0)
                BrokenByKill[first]++;
            else
                Unexplained[(int)outcome]++;
        }
    }

    /// <summary>Client connections in flight at each kill (all backends: the client cannot tell which one it reached).</summary>
    public int[] InFlightAtKill { get; }

    /// <summary>Failures matched to each kill (the first kill a failure spans).</summary>
    public int[] BrokenByKill { get; }

    /// <summary>Failures by outcome that no kill explains: refused, reset before the request, timed out, wrong reply...</summary>
    public int[] Unexplained { get; } = new int[Enum.GetValues<SoakOutcome>().Length];

    /// <summary>Counts the connection in flight at every kill its interval spans; returns the first such kill, or -1.</summary>
    private static int FirstKillSpanned(long start, long end, IReadOnlyList<SoakKill> kills, int[] inFlight)
    {
        var first = -1;
        // Kills are in time order; skip those reaped before this connection started.
        var low = 0;
        var high = kills.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (kills[middle].Reaped <= start) low = middle + 1;
            else high = middle;
        }
        for (var kill = low; kill < kills.Count && kills[kill].Sent < end; kill++)
        {
            inFlight[kill]++;
            if (first < 0) first = kill;
        }
        return first;
    }
}
