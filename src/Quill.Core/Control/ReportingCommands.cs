namespace Quill.Core.Control;

/// <summary><c>log [TARGET]</c>, <c>no log</c>, <c>log_format [json|pen]</c>, <c>web_stats [FILE]</c>, <c>no web_stats</c> and <c>status</c>.</summary>
internal static class ReportingCommands
{
    public static void Register(Dictionary<string, CommandHandler> commands)
    {
        commands["log"] = Log;
        commands["no log"] = (d, w) => CommandArguments.Extra(w, 2) ?? CloseLog(d.Context.Runtime);
        commands["web_stats"] = WebStats;
        commands["no web_stats"] = (d, w) => CommandArguments.Extra(w, 2) ?? SetWebStats(d.Context.Runtime, null);
        commands["log_format"] = LogFormat;
        commands["status"] = (d, w) => CommandArguments.Extra(w, 1) ?? Status(d.Context.Runtime);
    }

    private static ControlReply Log(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var runtime = dispatcher.Context.Runtime;
        if (words.Length == 1)
            return runtime.LogTarget is { } target ? ControlReply.Line(target) : ControlReply.None;
        return runtime.OpenLog(words[1]) is { } error ? ControlReply.Error($"log: {error}") : ControlReply.None;
    }

    /// <summary><c>log_format [json|pen]</c>: the access log's format for connections accepted from now on.</summary>
    private static ControlReply LogFormat(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var settings = dispatcher.Context.Settings;
        if (words.Length == 2)
        {
            if (words[1] is not ("json" or "pen")) return ControlReply.Error($"log_format: '{words[1]}' is neither json nor pen");
            settings.JsonAccessLog = words[1] == "json";
        }
        return ControlReply.Line(settings.JsonAccessLog ? "json" : "pen");
    }

    private static ControlReply CloseLog(IBalancerRuntime runtime)
    {
        runtime.CloseLog();
        return ControlReply.None;
    }

    private static ControlReply WebStats(PenctlDispatcher dispatcher, string[] words)
    {
        if (CommandArguments.Extra(words, 2) is { } extra) return extra;
        var runtime = dispatcher.Context.Runtime;
        if (words.Length == 1)
            return runtime.WebStatsFile is { } file ? ControlReply.Line(file) : ControlReply.None;
        return SetWebStats(runtime, words[1]);
    }

    private static ControlReply SetWebStats(IBalancerRuntime runtime, string? file)
    {
        runtime.WebStatsFile = file;
        return ControlReply.None;
    }

    /// <summary>
    /// pen regenerates the -w page and sends it. Without -w pen 0.34.1 replies "Unable to create webstats", though
    /// penctl's manual documents the page unconditionally: quill renders it in memory and sends it.
    /// </summary>
    private static ControlReply Status(IBalancerRuntime runtime) =>
        runtime.StatusPage() is { } page ? new ControlReply(page, false) : ControlReply.Error("Can't read webstats");
}
