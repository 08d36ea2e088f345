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
        for (var step = 0; step < count; step++)
        {
            candidate = (candidate + 1) % count;
            if (ServerLimits.IsAvailable(servers[candidate], request.Context) && SlowStart.Admits(servers[candidate], request.Context))
            {
                LastServer = candidate;
                return candidate;
            }
        }

        return ServerIndex.None;
    }
}
