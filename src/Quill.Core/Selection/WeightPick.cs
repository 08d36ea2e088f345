using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// weight mode (-W): the available server with the smallest load 256*c/weight (integer division), ties to the
/// lowest index; weight 0 is never chosen. As in <see cref="PriorityPick"/>, a server over its limit for this
/// client is skipped, which pen does not do. A server in slow start, when it is the least loaded, takes the client
/// only for its share; otherwise the least loaded server at full share does.
/// </summary>
internal sealed class WeightPick : IInitialPick
{
    private const long WeightFactor = 256;

    public int Pick(ServerState[] servers, in PickRequest request)
    {
        var best = Best(servers, request, fullyUpOnly: false);
        if (best == ServerIndex.None || SlowStart.Admits(servers[best], request.Context))
        {
            return best;
        }

        // The least loaded server is in slow start and this is not its turn: the least loaded of those at full share.
        var other = Best(servers, request, fullyUpOnly: true);
        return other == ServerIndex.None ? best : other;
    }

    private static int Best(ServerState[] servers, in PickRequest request, bool fullyUpOnly)
    {
        var best = ServerIndex.None;
        var bestLoad = 0L;
        for (var i = 0; i < servers.Length; i++)
        {
            var server = servers[i];
            var weight = server.Weight;
            if (weight == 0
                || !ServerLimits.IsAvailable(server, request.Context)
                || ServerLimits.IsOverLimit(server, sticky: request.StoredServer == i)
                || (fullyUpOnly && SlowStart.IsRamping(server, request.Context)))
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
