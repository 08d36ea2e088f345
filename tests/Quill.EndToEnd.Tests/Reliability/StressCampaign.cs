using System.Diagnostics;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>
/// Runs a campaign's connections through one rig, at most <see cref="StressSettings.Concurrency"/> at a time, and
/// tallies them. Connections not started by the start deadline are counted as such, so the loop is bounded in time as
/// well as in count; each connection has its own timeout.
/// </summary>
internal static class StressCampaign
{
    public static async Task<(StressTally Tally, TimeSpan Duration)> RunAsync(StressRig rig, StressSettings settings)
    {
        var tally = new StressTally();
        var clock = Stopwatch.StartNew();
        var plans = Enumerable.Range(0, settings.Connections)
            .Select(id => ExchangePlan.For(settings.Seed, id, settings.MaxLength)).ToList();
        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (plan, _) =>
        {
            if (clock.Elapsed > settings.StartDeadline)
                tally.MissedTheStartDeadline();
            else
                tally.Add(await StressExchange.RunAsync(rig, plan).ConfigureAwait(false));
        }).ConfigureAwait(false);

        var empty = plans.Count(plan => plan.Empty);
        if (tally.NotStarted == 0 && rig.Backend.Empty != empty)
            tally.Note($"the backend saw {rig.Backend.Empty} empty connections, the clients made {empty}");
        if (rig.Backend.ShortHeaders > 0)
            tally.Note($"the backend saw {rig.Backend.ShortHeaders} connections end inside their header");
        return (tally, clock.Elapsed);
    }
}
