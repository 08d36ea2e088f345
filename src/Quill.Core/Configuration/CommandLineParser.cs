namespace Quill.Core.Configuration;

/// <summary>Parses pen's command line (POSIX getopt, options before the first positional argument). By hand for pen
/// compatibility: System.CommandLine parses a grammar of its own, not getopt's, and words its errors its own way.</summary>
public static class CommandLineParser
{
    /// <summary>pen's usage text, adapted to quill.</summary>
    public static string Usage => UsageText.Text;

    /// <param name="args">The arguments after the program name.</param>
    /// <param name="services">Looks up service names such as "http" or "smtp" (/etc/services); null when unknown.</param>
    public static CommandLineResult Parse(IReadOnlyList<string> args, Func<string, int?> services)
    {
        var getopt = GetoptTokenizer.Tokenize(args, OptionTable.GetoptString, OptionTable.LongOptionsWithValue);
        var result = ParseOptions(getopt, services);
        return getopt.Options.Contains(CheckOption) ? ForCheck(result, getopt) : result;
    }

    private static readonly GetoptOption CheckOption = new(GetoptOptionKind.Long, "check");

    /// <summary>--check runs nothing: a run becomes a check, and every error says it came from a check (exit 1, not 2).</summary>
    private static CommandLineResult ForCheck(CommandLineResult result, GetoptResult getopt) => result switch
    {
        CommandLineResult.Run run => new CommandLineResult.Check(run.Options),
        CommandLineResult.Error error => error with { Checking = true },
        CommandLineResult.Demo => new CommandLineResult.Error("--check checks a balancer's configuration, not --demo", Checking: true),
        CommandLineResult.ShowHelp when !getopt.Options.Any(o => o.Name is "help" or "?") =>
            new CommandLineResult.Error("nothing to check: give a listen address and servers, or -F FILE", Checking: true),
        _ => result,
    };

    private static CommandLineResult ParseOptions(GetoptResult getopt, Func<string, int?> services)
    {
        var draft = new CommandLineDraft();
        foreach (var option in getopt.Options)
        {
            if (OptionApplier.Apply(option, draft) is { } stop)
            {
                return stop;
            }
        }

        if (FindLateOption(getopt) is { } late)
        {
            return new CommandLineResult.Error(
                $"option '{late}' after the listen address '{getopt.Operands[0]}': options must come before the listen address");
        }

        return draft.Demo ? ParseDemo(getopt.Operands, draft, services) : ParseRun(getopt.Operands, draft, services);
    }

    private static string? FindLateOption(GetoptResult getopt) =>
        getopt.OperandsAfterDoubleDash ? null : getopt.Operands.Skip(1).FirstOrDefault(a => a.Length > 1 && a[0] == '-');

    private static CommandLineResult ParseRun(IReadOnlyList<string> operands, CommandLineDraft draft, Func<string, int?> services)
    {
        // pen prints its usage when there is nothing to listen on; a -F file may hold the listener and servers.
        if (operands.Count == 0 && draft.Options.ConfigFile is null)
        {
            return new CommandLineResult.ShowHelp();
        }

        if (ReadListenAndSpareServers(operands.Count == 0 ? null : operands[0], draft, services, out var options) is { } listenError)
        {
            return listenError;
        }

        var servers = new List<ServerSpec>();
        foreach (var text in operands.Skip(1))
        {
            if (!ServerSpecParser.TryParse(text, ListenPort(options.Listen), services, out var server, out var error))
            {
                return new CommandLineResult.Error(error);
            }

            servers.Add(server!);
        }

        return new CommandLineResult.Run(options with { Servers = servers });
    }

    private static CommandLineResult ParseDemo(IReadOnlyList<string> operands, CommandLineDraft draft, Func<string, int?> services)
    {
        if (operands.Count > 1)
        {
            return new CommandLineResult.Error(
                $"--demo runs its own backends, so servers cannot be given: remove '{operands[1]}'");
        }

        var listen = operands.Count == 1 ? operands[0] : OptionTable.DemoListen;
        return ReadListenAndSpareServers(listen, draft, services, out var options) ?? (CommandLineResult)new CommandLineResult.Demo(options);
    }

    /// <summary>Reads the listen spec and the -e / -B servers, which default to its port.</summary>
    /// <returns>Null when all is well, else the error.</returns>
    /// <param name="listenText">Null when the -F file is to give the listener.</param>
    private static CommandLineResult.Error? ReadListenAndSpareServers(
        string? listenText, CommandLineDraft draft, Func<string, int?> services, out QuillOptions options)
    {
        options = draft.Options;
        ListenSpec? listen = null;
        string error;
        if (listenText is not null && !ListenSpecParser.TryParse(listenText, services, out listen, out error))
        {
            return new CommandLineResult.Error(error);
        }

        if (draft.ControlText is { } controlText)
        {
            if (!ListenSpecParser.TryParseControl(controlText, ("-C", "control port"), services, out var control, out var notice, out error))
            {
                return new CommandLineResult.Error($"-C: {error}");
            }

            options = options with { Control = control, Notices = notice is null ? options.Notices : [.. options.Notices, notice] };
        }

        options = options with { Listen = listen };
        var listenPort = ListenPort(listen);
        ServerSpec? emergency = null, abuse = null;
        if ((draft.EmergencyText is { } e && !ServerSpecParser.TryParse(e, listenPort, services, out emergency, out error, "emergency server (-e)"))
            || (draft.AbuseText is { } b && !ServerSpecParser.TryParse(b, listenPort, services, out abuse, out error, "abuse server (-B)")))
        {
            return new CommandLineResult.Error(error);
        }

        options = options with { Emergency = emergency, Abuse = abuse };
        return null;
    }

    private static int? ListenPort(ListenSpec? listen) => listen is null || listen.IsUnix ? null : listen.Port;
}
