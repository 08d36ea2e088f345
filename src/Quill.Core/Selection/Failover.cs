using Quill.Core.Configuration;
using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// pen's failover_server: when the chosen server cannot be used, scan the regular servers in index order after
/// it, wrapping, up to and including the initial server; then the emergency server. Stubborn mode, the emergency
/// server and the abuse server never fail over. Unlike pen, a client with no initial server at all (every server
/// blacklisted) also gets the emergency server, as pen's manual promises. Before the emergency server, a draining
/// server takes the client when no other regular server does.
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

        return TryDraining(gate, servers, ref attempt, context) || gate.TryReserve(ServerIndex.Emergency, ref attempt, context);
    }

    /// <summary>No server that is up takes the client: a draining one does, in index order after the initial server,
    /// before the emergency server (a draining server is healthy; it only asked for no new clients while it can).</summary>
    private static bool TryDraining(ServerGate gate, ServerTable servers, ref ConnectionAttempt attempt, in SelectionContext context)
    {
        var count = servers.Count;
        var lastResort = context with { LastResort = true };
        var start = ServerIndex.IsRegular(attempt.InitialServer) && attempt.InitialServer < count ? attempt.InitialServer : 0;
        for (var step = 0; step < count; step++)
        {
            var candidate = (start + step) % count;
            if (servers[candidate] is { } server
                && server.Availability(context.Now, context.BlacklistTime) == Health.ServerAvailability.Draining
                && gate.TryReserve(candidate, ref attempt, lastResort))
            {
                return true;
            }
        }

        return false;
    }
}
