using Quill.Core.Health;
using Quill.Core.Model;

namespace Quill.Core.Status;

/// <summary>
/// The one word every observer (/metrics, /api, quillctl --json) uses for a server's state: the state selection goes
/// by (<see cref="ServerState.Availability"/>: up, down, blacklisted, draining, maint), "removed" for a slot a reload
/// took away that still has connections, and "unused" for an empty slot (address 0.0.0.0).
/// </summary>
public static class ServerCondition
{
    /// <summary>Every state a server can be in, in the order /metrics lists them.</summary>
    public static readonly IReadOnlyList<string> All = ["up", "down", "blacklisted", "draining", "maint", "removed", "unused"];

    public static string Of(ServerState server, DateTimeOffset now, TimeSpan blacklistTime)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!server.IsUsed) return "unused";
        return Word(server, server.Availability(now, blacklistTime));
    }

    /// <summary>The word for a server whose <paramref name="availability"/> was read already (health, USR1, the HTML page).</summary>
    public static string Word(ServerState server, ServerAvailability availability)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Removed ? "removed" : availability.Word();
    }
}
