using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary><c>web_listen [ADDR]</c> and <c>no web_listen</c>: the read-only observation endpoint (/metrics, /, /api).</summary>
internal static class WebCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["web_listen"] = WebListen;
        commands["no web_listen"] = (d, w) => CommandArguments.Extra(w, 2) ?? CloseWebListen(d.Context.Runtime);
    }

    private static ControlReply WebListen(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var runtime = dispatcher.Context.Runtime;
        if (words.Length == 2)
        {
            // The same address rules as -C, a bare port meaning loopback only.
            if (!ListenSpecParser.TryParseControl(words[1], ("web_listen", "web endpoint"), dispatcher.Context.Services,
                    out var spec, out _, out var error))
            {
                return ControlReply.Error($"web_listen: {error}");
            }

            if (runtime.TryWebListen(spec!) is { } reason) return ControlReply.Error($"web_listen: {reason}");
        }

        return runtime.WebListenText is { } text ? ControlReply.Line(text) : ControlReply.None;
    }

    private static ControlReply CloseWebListen(IBalancerRuntime runtime)
    {
        runtime.CloseWebListen();
        return ControlReply.None;
    }
}
