using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// weight mode (-W): the available server with the smallest load 256*c/weight (integer division), ties to the
/// lowest index; weight 0 is never chosen. As in <see cref="PriorityPick"/>, a server over its limit for this
/// client is skipped, which pen does not do.
/// </summary>
internal sealed class WeightPick : IInitialPick
{
    private const long WeightFactor = 256;

    public int Pick(ServerState[] servers, in PickRequest request)
    {
        var best = ServerIndex.None;
        var bestLoad = 0L;
        for (var i = 0; i < servers.Length; i++)
        {
            var server = servers[i];
            var weight = server.Weight;
            if (weight == 0
                || !ServerLimits.IsAvailable(server, request.Context)
                || ServerLimits.IsOverLimit(server, sticky: request.StoredServer == i))
            {
                continue;
            }

            var load = WeightFactor * server.Connections / weight;
            if (best == ServerIndex.None || load < bestLoad)
            {
                best = i;
                bestLoad = load;
            }
        }

        return best;
    }
}
