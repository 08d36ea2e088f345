namespace Quill.Core.Configuration;

/// <summary>The options, and the operands that follow them, of one command line.</summary>
/// <param name="OperandsAfterDoubleDash">True when "--" ended the options, so operands that start with '-' are meant literally.</param>
internal sealed record GetoptResult(
    IReadOnlyList<GetoptOption> Options, IReadOnlyList<string> Operands, bool OperandsAfterDoubleDash);

/// <summary>
/// POSIX getopt: bundled letters (-dd, -rfx 500, -x500), options end at the first operand or at "--",
/// and a letter followed by ':' in the option string takes the rest of its word or the next word as its value.
/// "--name" words are returned as long options; those named in <c>longWithValue</c> take "--name=value" or the next word.
/// </summary>
internal static class GetoptTokenizer
{
    public static GetoptResult Tokenize(IReadOnlyList<string> args, string optionString, IReadOnlySet<string>? longWithValue = null)
    {
        var options = new List<GetoptOption>();
        var index = 0;
        while (index < args.Count)
        {
            var word = args[index];
            if (word == "--")
            {
                return new GetoptResult(options, args.Skip(index + 1).ToList(), OperandsAfterDoubleDash: true);
            }

            if (word.Length < 2 || word[0] != '-')
            {
                break;
            }

            index++;
            if (word.StartsWith("--", StringComparison.Ordinal))
            {
                options.Add(LongOption(word[2..], args, ref index, longWithValue));
                continue;
            }

            for (var at = 1; at < word.Length; at++)
            {
                var letter = word[at];
                var name = letter.ToString();
                var spec = letter == ':' ? -1 : optionString.IndexOf(letter, StringComparison.Ordinal);
                if (spec < 0)
                {
                    options.Add(new GetoptOption(GetoptOptionKind.Unknown, name));
                }
                else if (!TakesValue(optionString, spec))
                {
                    options.Add(new GetoptOption(GetoptOptionKind.Flag, name));
                }
                else if (at + 1 < word.Length)
                {
                    options.Add(new GetoptOption(GetoptOptionKind.WithValue, name, word[(at + 1)..]));
                    break;
                }
                else if (index < args.Count)
                {
                    options.Add(new GetoptOption(GetoptOptionKind.WithValue, name, args[index++]));
                }
                else
                {
                    options.Add(new GetoptOption(GetoptOptionKind.MissingValue, name));
                }
            }
        }

        return new GetoptResult(options, args.Skip(index).ToList(), OperandsAfterDoubleDash: false);
    }

    private static GetoptOption LongOption(string word, IReadOnlyList<string> args, ref int index, IReadOnlySet<string>? longWithValue)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? word : word[..equals];
        if (longWithValue is null || !longWithValue.Contains(name)) return new GetoptOption(GetoptOptionKind.Long, word);
        if (equals >= 0) return new GetoptOption(GetoptOptionKind.Long, name, word[(equals + 1)..]);
        return index < args.Count
            ? new GetoptOption(GetoptOptionKind.Long, name, args[index++])
            : new GetoptOption(GetoptOptionKind.MissingValue, name);
    }

    private static bool TakesValue(string optionString, int letterIndex) =>
        letterIndex + 1 < optionString.Length && optionString[letterIndex + 1] == ':';
}
