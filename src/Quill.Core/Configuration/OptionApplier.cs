namespace Quill.Core.Configuration;

/// <summary>Applies one option to the draft, in command-line order, as pen's option loop does.</summary>
internal static class OptionApplier
{
    private const int MinListenBacklog = 50;
    private static readonly QuillOptions Defaults = new();

    /// <returns>Null to go on; otherwise the result that ends parsing (help, version or an error).</returns>
    public static CommandLineResult? Apply(GetoptOption option, CommandLineDraft draft) => option.Kind switch
    {
        GetoptOptionKind.Long => ApplyLong(option, draft),
        GetoptOptionKind.Unknown when option.Name == "?" => new CommandLineResult.ShowHelp(),
        GetoptOptionKind.Unknown => new CommandLineResult.Error($"unknown option '{option.Display}'"),
        GetoptOptionKind.MissingValue => new CommandLineResult.Error($"option '{option.Display}' requires an argument"),
        _ => option.Value is null ? ApplyFlag(option.Name[0], draft) : ApplyValue(option.Name[0], option.Value, draft),
    };

    private static CommandLineResult? ApplyLong(GetoptOption option, CommandLineDraft draft)
    {
        switch (option.Name)
        {
            case "help":
                return new CommandLineResult.ShowHelp();
            case "version":
                return new CommandLineResult.ShowVersion();
            case "demo":
                draft.Demo = true;
                return null;
            case "takeover":
                draft.Options = draft.Options with { Takeover = true };
                return null;
            case "grace":
                if (!int.TryParse(option.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var grace))
                    return new CommandLineResult.Error($"--grace: '{option.Value}' is not a whole number of seconds");
                draft.Options = draft.Options with { GraceSeconds = grace };
                return null;
            case "sockmap":
                draft.Options = draft.Options with { Sockmap = true };
                return null;
            case "no-sockmap":
                draft.Options = draft.Options with { Sockmap = false };
                return null;
            case "check":
                // The parser turns the run into a check once every option is read.
                return null;
            case "web-listen" when option.Value is { } address:
                // The same as -o 'web_listen ADDR', so the address is read by one parser whichever way it comes.
                return ApplyCommand('o', $"web_listen {address}", draft);
            case "syslog-facility" when option.Value is { } facility:
                return ApplyCommand('o', $"syslog_facility {facility}", draft);
            default:
                return new CommandLineResult.Error($"unknown option '{option.Display}'");
        }
    }

    private static CommandLineResult? ApplyFlag(char letter, CommandLineDraft draft)
    {
        var options = draft.Options;
        switch (letter)
        {
            case 'd': draft.Options = options with { DebugLevel = options.DebugLevel + 1 }; break;
            case 'a': draft.Options = options with { Ascii = true }; break;
            case 'f': draft.Options = options with { Foreground = true }; break;
            case 'X': draft.Options = options with { ExitEnabled = true }; break;
            case 'r': draft.Options = options with { Selection = options.Selection | SelectionFlags.RoundRobin }; break;
            case 'h': draft.Options = options with { Selection = options.Selection | SelectionFlags.Hash }; break;
            case 's': draft.Options = options with { Selection = options.Selection | SelectionFlags.Stubborn }; break;
            case 'W': draft.Options = options with { Selection = options.Selection | SelectionFlags.Weight }; break;
            case 'H': draft.Options = options with { HttpHeaders = true }; break;
            case 'U': draft.Options = options with { Udp = true }; break;
            case 'R': draft.Options = options with { Tls = options.Tls with { RequireClientCertificate = true } }; break;
            case 'Z': draft.AddNotice("-Z (SSL bug workarounds) has no effect: quill's TLS needs none"); break;
            case 'N':
                draft.Options = options with { Selection = options.Selection | SelectionFlags.Hash | SelectionFlags.NoSave };
                break;
            default:
                draft.AddNotice(OptionTable.ObsoleteNotices[letter]);
                break;
        }

        return null;
    }

    private static CommandLineResult? ApplyValue(char letter, string value, CommandLineDraft draft)
    {
        switch (letter)
        {
            case 'e': draft.EmergencyText = value; return null;
            case 'B': draft.AbuseText = value; return null;
            case 'o' or 'O': return ApplyCommand(letter, value, draft);
            case 'C': draft.ControlText = value; return null;
            case 'F' when value.Length == 0: return new CommandLineResult.Error("-F needs a file name");
            case 'F': draft.Options = draft.Options with { ConfigFile = value }; return null;
            case 'i': return new CommandLineResult.Error("-i is Windows only");
            case 'p' when value.Length == 0: return new CommandLineResult.Error("-p needs a file name");
            case 'p': draft.Options = draft.Options with { PidFile = value }; return null;
            case 'E' or 'K' or 'G' or 'A' or 'L': return ApplyTls(letter, value, draft);
            case 'l' or 'w' or 'u' or 'j' when value.Length == 0: return new CommandLineResult.Error($"-{letter} needs a value");
            case 'l': draft.Options = draft.Options with { LogTarget = value }; return null;
            case 'w': draft.Options = draft.Options with { WebStatsFile = value }; return null;
            case 'u': draft.Options = draft.Options with { User = value }; return null;
            case 'j': draft.Options = draft.Options with { Jail = value }; return null;
        }

        if (!WholeNumber.TryParse(value, out var number))
        {
            return new CommandLineResult.Error($"invalid value '{value}' for -{letter}: expected a whole number");
        }

        var options = draft.Options;
        switch (letter)
        {
            case 'b': draft.Options = options with { BlacklistSeconds = number }; break;
            // pen treats 0 as "not given", so the default table sizes apply.
            case 'c': draft.Options = options with { ClientsMax = number == 0 ? Defaults.ClientsMax : number }; break;
            case 'x': draft.Options = options with { ConnectionsMax = number == 0 ? Defaults.ConnectionsMax : number }; break;
            case 'T': draft.Options = options with { TrackingSeconds = number }; break;
            case 't' when number < 1: return new CommandLineResult.Error($"-t {value}: connect timeout must be at least 1 second");
            case 't' when number > QuillOptions.MaxConnectTimeoutSeconds:
                return new CommandLineResult.Error($"-t {value}: connect timeout must be at most {QuillOptions.MaxConnectTimeoutSeconds} seconds");
            case 't': draft.Options = options with { ConnectTimeoutSeconds = number }; break;
            case 'm' when number < 1:
                draft.Options = options with { MultiAccept = 1 };
                draft.AddNotice("multi_accept bumped to 1");
                break;
            case 'm': draft.Options = options with { MultiAccept = number }; break;
            case 'q' when number < MinListenBacklog:
                draft.Options = options with { ListenBacklog = MinListenBacklog };
                draft.AddNotice($"listen_queue bumped to {MinListenBacklog}");
                break;
            case 'q': draft.Options = options with { ListenBacklog = number }; break;
            default: draft.AddNotice(OptionTable.ObsoleteNotices[letter]); break;
        }

        return null;
    }

    /// <summary>-o / -O: kept in order and run by the control dispatcher at start, which reports a refused one.</summary>
    private static CommandLineResult? ApplyTls(char letter, string value, CommandLineDraft draft)
    {
        var tls = draft.Options.Tls;
        if (letter == 'L' && !TlsProtocolOption.TryParse(value, out _, out var error)) return new CommandLineResult.Error(error);
        draft.Options = draft.Options with
        {
            Tls = letter switch
            {
                'E' => tls with { CertificateFile = value },
                'K' => tls with { KeyFile = value },
                'G' => tls with { CaFile = value },
                'A' => tls with { CaDirectory = value },
                _ => tls with { Protocol = value },
            },
        };
        return null;
    }

    private static CommandLineResult? ApplyCommand(char letter, string command, CommandLineDraft draft)
    {
        if (command.Contains('\n', StringComparison.Ordinal) || command.Contains('\r', StringComparison.Ordinal))
        {
            return new CommandLineResult.Error($"-{letter}: one command per option, without line breaks");
        }

        draft.Options = draft.Options with { Commands = [.. draft.Options.Commands, command] };
        return null;
    }
}
