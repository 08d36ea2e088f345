using Quill.Core.Model;

namespace Quill.Core.Status;

/// <summary>
/// The one word every observer (/metrics, /api, quillctl --json) uses for a server's state. Today a server is up or
/// blacklisted (a failed connect within -b seconds); an unused slot (address 0.0.0.0) is "unused".
/// </summary>
public static class ServerCondition
{
    /// <summary>Every state a server can be in, in the order /metrics lists them.</summary>
    public static readonly IReadOnlyList<string> All = ["up", "blacklisted", "unused"];

    public static string Of(ServerState server, DateTimeOffset now, TimeSpan blacklistTime)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!server.IsUsed) return "unused";
        return server.IsBlacklisted(now, blacklistTime) ? "blacklisted" : "up";
    }
}
