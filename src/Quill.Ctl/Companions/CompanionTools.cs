namespace Quill.Ctl.Companions;

/// <summary>pen's companion tools, run as quillctl subcommands with pen's options.</summary>
internal static class CompanionTools
{
    public static Func<string[], Task<int>>? Find(string name) => name switch
    {
        "mergelogs" => args => Task.FromResult(MergelogsCommand.Run(args)),
        "penlogd" => PenlogdCommand.RunAsync,
        "penlog" => PenlogCommand.RunAsync,
        _ => null,
    };
}
