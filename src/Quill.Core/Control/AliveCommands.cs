using System.Globalization;
using Quill.Core.Health;

namespace Quill.Core.Control;

/// <summary>
/// <c>alive</c>: the question keepalived's vrrp_script asks through <c>quillctl ADDR alive</c>: is this quill able to
/// take the virtual address's clients? Yes when it listens and at least one server is up; otherwise an error line
/// that says which is missing ("not alive: ..."), which quillctl turns into exit status 1.
/// </summary>
internal static class AliveCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands) =>
        commands["alive"] = (d, w) => CommandArguments.Extra(w, 1) ?? Alive(d.Context);

    private static ControlReply Alive(ControlContext context)
    {
        if (context.Runtime.ListenText is not { } listen) return ControlReply.Error("not alive: not listening");
        var servers = context.Servers.Regular;
        var states = context.Selector.Availabilities();
        var used = 0;
        var up = 0;
        for (var i = 0; i < states.Length && i < servers.Count; i++)
        {
            if (!servers[i].IsUsed || servers[i].Removed) continue;
            used++;
            if (states[i] == ServerAvailability.Up) up++;
        }

        return up == 0
            ? ControlReply.Error(string.Create(CultureInfo.InvariantCulture, $"not alive: no server available ({used} configured, none up)"))
            : ControlReply.Line(string.Create(CultureInfo.InvariantCulture, $"alive: listening on {listen}, {up} of {used} servers up"));
    }
}
