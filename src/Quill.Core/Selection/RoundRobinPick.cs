using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>
/// pen's default: the next available server after the last one picked, wrapping. The last pick starts at 0, so
/// the first client after start goes to server 1 when there are two or more servers. A server in slow start lets
/// its turn pass to the next one but for its share.
/// </summary>
internal sealed class RoundRobinPick : IInitialPick
{
    /// <summary>pen's last_server; only a successful pick moves it.</summary>
    public int LastServer { get; private set; }

    public int Pick(ServerState[] servers, in PickRequest request)
    {
        var count = servers.Length;
        if (count == 0)
        {
            return ServerIndex.None;
        }

        var candidate = LastServer % count;
        var skippedTurn = ServerIndex.None;
        for (var step = 0; step < count; step++)
        {
            candidate = (candidate + 1) % count;
            if (!ServerLimits.IsAvailable(servers[candidate], request.Context))
            {
                continue;
            }

            if (!SlowStart.Admits(servers[candidate], request.Context))
            {
                skippedTurn = skippedTurn == ServerIndex.None ? candidate : skippedTurn;
                continue;
            }

            // A turn given up in slow start is still used: the next pick goes on from it, so the server that stood in
            // also gets its own turn and the ramping server is offered once a round, making its share exactly f/N.
            LastServer = skippedTurn == ServerIndex.None ? candidate : skippedTurn;
            return candidate;
        }

        return ServerIndex.None;
    }
}
