using System.Globalization;

namespace Quill.Ctl;

/// <summary>
/// quillctl's command line: penctl's <c>host:port|/path command words...</c>, optionally preceded by
/// <c>--timeout SECONDS</c> and <c>--json</c>.
/// </summary>
internal sealed record CtlCommandLine(string Address, string Command, TimeSpan Timeout, bool Json)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The commands whose replies --json can turn into JSON.</summary>
    public static readonly string[] JsonCommands = ["servers", "mode", "recent"];

    public const string Usage = "usage: quillctl [--timeout SECONDS] [--json] host:port|/path/to/socket command [args...]";

    /// <returns>Null with <paramref name="error"/> empty to print the usage, or null with an error line.</returns>
    public static CtlCommandLine? Parse(string[] args, out string error)
    {
        error = "";
        var timeout = DefaultTimeout;
        var json = false;
        var i = 0;
        for (; i < args.Length && args[i].StartsWith("--", StringComparison.Ordinal); i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--timeout" when i + 1 < args.Length:
                    if (!double.TryParse(args[++i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
                        || seconds <= 0 || seconds > int.MaxValue / 1000)
                    {
                        error = $"invalid --timeout '{args[i]}': expected a number of seconds above 0";
                        return null;
                    }
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--timeout":
                    error = "--timeout needs a number of seconds";
                    return null;
                default:
                    error = $"unknown option '{args[i]}'";
                    return null;
            }
        }

        // penctl prints its usage and exits 0 with fewer than two arguments.
        if (args.Length - i < 2)
        {
            return null;
        }

        var command = string.Join(' ', args[(i + 1)..]);
        if (json && !JsonCommands.Contains(args[i + 1]))
        {
            error = $"--json works with {string.Join(", ", JsonCommands)}, not '{args[i + 1]}'";
            return null;
        }

        return new CtlCommandLine(args[i], command, timeout, json);
    }
}
