using Quill.Core.Status;

namespace Quill.Core.Control;

/// <summary>
/// <c>json servers|health|recent [S]|mode|status</c>: the table commands' answers as one line of JSON, made by the server
/// from its own state (quillctl --json sends these). pen knows no <c>json</c> word, so penctl's replies are untouched.
/// </summary>
internal static class JsonCommands
{
    private const int DefaultRecentSeconds = 300;

    public static void Register(Dictionary<string, CommandHandler> commands) => commands["json"] = Json;

    private static ControlReply Json(PenctlDispatcher dispatcher, string[] words)
    {
        var context = dispatcher.Context;
        var now = context.Time.GetUtcNow();
        var blacklist = TimeSpan.FromSeconds(Math.Max(0, context.Selection.BlacklistSeconds));
        switch (words)
        {
            case [_, "servers"]:
                return Reply(json => StatusJson.Servers(json, context.Servers.Regular, now, blacklist));
            case [_, "health"]:
                return Reply(json => StatusJson.Health(json, context.Servers.Regular, now, blacklist));
            case [_, "mode"]:
                return Reply(json => StatusJson.Mode(json, context.Selection.Flags));
            case [_, "recent"] or [_, "recent", _]:
                var seconds = DefaultRecentSeconds;
                // A bad argument is refused in the words of the text command (recent: invalid number 'x').
                if (words.Length == 3 && !CommandArguments.TryWhole(words[1..], 1, out seconds, out var error)) return error;
                return Reply(json => StatusJson.Recent(json, context.Clients.Snapshot(), now - TimeSpan.FromSeconds(seconds)));
            case [_, "status"]:
                return context.Runtime.LiveStatus() is { } live
                    ? Reply(json => StatusJson.Live(json, live))
                    : ControlReply.Error("json status: not available here");
            case [_]:
                return ControlReply.Error("json: missing command (servers, health, recent, mode or status)");
            default:
                return ControlReply.Error($"json: no JSON form for '{string.Join(' ', words[1..])}' (servers, health, recent [S], mode, status)");
        }
    }

    private static ControlReply Reply(Action<System.Text.Json.Utf8JsonWriter> write) =>
        ControlReply.Line(System.Text.Encoding.UTF8.GetString(StatusJson.Write(write)));
}
