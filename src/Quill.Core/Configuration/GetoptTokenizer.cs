namespace Quill.Core.Configuration;

/// <summary>The options, and the operands that follow them, of one command line.</summary>
/// <param name="OperandsAfterDoubleDash">True when "--" ended the options, so operands that start with '-' are meant literally.</param>
internal sealed record GetoptResult(
    IReadOnlyList<GetoptOption> Options, IReadOnlyList<string> Operands, bool OperandsAfterDoubleDash);

/// <summary>
/// POSIX getopt: bundled letters (-dd, -rfx 500, -x500), options end at the first operand or at "--",
/// and a letter followed by ':' in the option string takes the rest of its word or the next word as its value.
/// "--name" words are returned as long options.
/// </summary>
internal static class GetoptTokenizer
{
    /// <param name="longWithValue">Long options that take a value: "--name value" or "--name=value".</param>
    public static GetoptResult Tokenize(IReadOnlyList<string> args, string optionString, IReadOnlyCollection<string>? longWithValue = null)
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
                var equals = word.IndexOf('=', StringComparison.Ordinal);
                if (equals > 2 && longWithValue?.Contains(word[2..equals]) == true)
                    options.Add(new GetoptOption(GetoptOptionKind.Long, word[2..equals], word[(equals + 1)..]));
                else if (longWithValue?.Contains(word[2..]) == true && index < args.Count)
                    options.Add(new GetoptOption(GetoptOptionKind.Long, word[2..], args[index++]));
                else
                    options.Add(new GetoptOption(GetoptOptionKind.Long, word[2..]));
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

    private static bool TakesValue(string optionString, int letterIndex) =>
        letterIndex + 1 < optionString.Length && optionString[letterIndex + 1] == ':';
}
