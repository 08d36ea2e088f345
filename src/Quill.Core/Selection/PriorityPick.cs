using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// prio mode: the available server with the lowest prio value, ties to the lowest index. Unlike pen, which
/// ignores limits here and then fails over in index order, a server over its limit for this client is skipped,
/// as pen's manual promises ("the highest priority available server").
/// </summary>
internal sealed class PriorityPick : IInitialPick
{
    public int Pick(ServerState[] servers, in PickRequest request)
    {
        var best = ServerIndex.None;
        var bestPrio = 0;
        for (var i = 0; i < servers.Length; i++)
        {
            var server = servers[i];
            if (!ServerLimits.IsAvailable(server, request.Context)
                || ServerLimits.IsOverLimit(server, sticky: request.StoredServer == i))
            {
                continue;
            }

            if (best == ServerIndex.None || server.Prio < bestPrio)
            {
                best = i;
                bestPrio = server.Prio;
            }
        }

        return best;
    }
}
