using Quill.Core.Health;
using Quill.Core.Model;

namespace Quill.Core.Selection;

/// <summary>pen's availability and soft/hard limit rules for one server.</summary>
internal static class ServerLimits
{
    /// <summary>Available for a new client: the slot is used, not removed by a reload, and the server is up (not down, blacklisted, draining or in
    /// maintenance); in the last resort a draining server is too.</summary>
    public static bool IsAvailable(ServerState server, in SelectionContext context) =>
        server.IsUsed && !server.Removed && server.Availability(context.Now, context.BlacklistTime) switch
        {
            ServerAvailability.Up => true,
            ServerAvailability.Draining => context.LastResort,
            _ => false,
        };

    /// <summary>
    /// Over the limit for this client: a soft limit is set and reached, and the client is either new to this
    /// server or the hard limit is reached too. A hard limit of 0 (or below soft) therefore means soft.
    /// </summary>
    public static bool IsOverLimit(ServerState server, bool sticky)
    {
        var connections = server.Connections;
        return server.Soft != 0 && connections >= server.Soft && (!sticky || connections >= server.Hard);
    }
}
