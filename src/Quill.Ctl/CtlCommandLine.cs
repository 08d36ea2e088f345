using System.Globalization;

namespace Quill.Ctl;

/// <summary>
/// quillctl's command line: penctl's <c>host:port|/path command words...</c>, optionally preceded by
/// <c>--timeout SECONDS</c> and <c>--json</c>; or <c>--help</c>, or <c>--version</c>.
/// </summary>
internal sealed record CtlCommandLine(string Address, string Command, TimeSpan Timeout, bool Json)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The commands the server answers in JSON when --json sends them as "json COMMAND".</summary>
    public static readonly string[] JsonCommands = ["servers", "mode", "recent", "status", "health"];

    public const string Usage = "usage: quillctl [--timeout SECONDS] [--json] host:port|/path/to/socket command [args...]\n"
        + "       quillctl --help | --version";

    public static CtlCommandLineResult Parse(string[] args)
    {
        var timeout = DefaultTimeout;
        var json = false;
        var i = 0;
        for (; i < args.Length && args[i].StartsWith("--", StringComparison.Ordinal); i++)
        {
            switch (args[i])
            {
                case "--help":
                    return new CtlCommandLineResult.ShowUsage();
                case "--version":
                    return new CtlCommandLineResult.ShowVersion();
                case "--json":
                    json = true;
                    break;
                case "--timeout" when i + 1 < args.Length:
                    if (!double.TryParse(args[++i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
                        || seconds <= 0 || seconds > int.MaxValue / 1000)
                    {
                        return new CtlCommandLineResult.Error($"invalid --timeout '{args[i]}': expected a number of seconds above 0");
                    }
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--timeout":
                    return new CtlCommandLineResult.Error("--timeout needs a number of seconds");
                default:
                    return new CtlCommandLineResult.Error($"unknown option '{args[i]}'");
            }
        }

        // penctl prints its usage and exits 0 with fewer than two arguments.
        if (args.Length - i < 2)
        {
            return new CtlCommandLineResult.ShowUsage();
        }

        var command = string.Join(' ', args[(i + 1)..]);
        if (json && !JsonCommands.Contains(args[i + 1]))
        {
            return new CtlCommandLineResult.Error($"--json works with {string.Join(", ", JsonCommands)}, not '{args[i + 1]}'");
        }

        return new CtlCommandLineResult.Send(new CtlCommandLine(args[i], command, timeout, json));
    }
}
