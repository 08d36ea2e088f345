using Quill.Core.Configuration;
using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// pen's failover_server: when the chosen server cannot be used, scan the regular servers in index order after
/// it, wrapping, up to and including the initial server; then the emergency server. Stubborn mode, the emergency
/// server and the abuse server never fail over. Unlike pen, a client with no initial server at all (every server
/// blacklisted) also gets the emergency server, as pen's manual promises.
/// </summary>
internal static class Failover
{
    public static bool TryFind(ServerGate gate, ServerTable servers, ref ConnectionAttempt attempt, in SelectionContext context)
    {
        var from = attempt.Server;
        attempt.Server = ServerIndex.None;
        attempt.ServerEndPoint = null;
        if (context.Has(SelectionFlags.Stubborn)
            || attempt.Denied
            || from is ServerIndex.Emergency or ServerIndex.Abuse)
        {
            return false;
        }

        var count = servers.Count;
        if (count >= 2 && ServerIndex.IsRegular(from) && from < count)
        {
            var candidate = from;
            for (var step = 0; step < count; step++)
            {
                candidate = (candidate + 1) % count;
                if (gate.TryReserve(candidate, ref attempt, context))
                {
                    return true;
                }

                if (candidate == attempt.InitialServer)
                {
                    break;
                }
            }
        }

        return gate.TryReserve(ServerIndex.Emergency, ref attempt, context);
    }
}
