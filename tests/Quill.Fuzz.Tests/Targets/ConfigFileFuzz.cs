using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Quill.Core.Control;
using Quill.Fuzz.Tests.Harness;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// The -F reader (also include and SIGHUP), against a model: split the bytes into lines as a C reader of CR, LF and
/// CRLF lines would, run each through a second dispatcher, and name each refusal FILE:LINE. Both must give the
/// same replies, the same refusals and the same configuration, whatever the bytes.
/// </summary>
public sealed partial class ConfigFileFuzz
{
    private const string Target = "config";

    private static readonly Gen<string> Separator = Gen.Frequency((12, Gen.Const("\n")), (3, Gen.Const("\r\n")), (1, Gen.Const("\r")));

    private static readonly Gen<byte[]> Structured = Gen.Select(
        Gen.Select(PenctlCommands.Line, Separator, (line, end) => line + end).Array[0, 12], Gen.Bool,
        (lines, cutLast) =>
        {
            var text = string.Concat(lines);
            if (cutLast && text.Length > 0) text = text.TrimEnd('\r', '\n');
            return Encoding.Latin1.GetBytes(text);
        });

    private static readonly Lazy<IReadOnlyList<byte[]>> Seeds = new(() => [.. Corpus.Bytes(Target)]);

    private static readonly Gen<byte[]> Files = Gen.Frequency(
        (6, Structured),
        (3, Gen.Int[0, 1].SelectMany(_ => Hostile.MutatedBytes(Seeds.Value))),
        (1, Hostile.RandomBytes));

    [Fact]
    public void Fuzz() => FuzzCampaign.Run(Target, Files, Check, Printed.Bytes, defaultDivisor: 4);

    [Fact]
    public void Replay() => FuzzCampaign.Replay(Corpus.Bytes(Target), Check, Printed.Bytes);

    private static void Check(byte[] content)
    {
        var path = Sandbox.ConfigFile;
        var text = ConfinedText(content);
        File.WriteAllText(path, text, Encoding.Latin1);

        var real = PenctlCommands.NewFixture();
        var outcome = ConfigFileReader.Run(real.Dispatcher, path);

        var model = PenctlCommands.NewFixture();
        // The file being read cannot be included from itself.
        model.Dispatcher.FilesBeingRead.Add(Path.GetFullPath(path));
        var replies = new StringBuilder();
        var errors = new List<string>();
        var lines = Lines(text);
        for (var i = 0; i < lines.Count; i++)
        {
            var reply = model.Dispatcher.Execute(lines[i]);
            if (reply.IsError) errors.Add($"{path}:{i + 1}: {reply.Text.TrimEnd('\n')}");
            else replies.Append(reply.Text);
        }

        Assert.Equal(errors, outcome.Errors);
        Assert.Equal(replies.ToString(), outcome.Replies);
        Assert.Equal(PenctlCommands.Snapshot(model), PenctlCommands.Snapshot(real));
    }

    /// <summary>The model's line splitting: CRLF, CR or LF end a line; text after the last one is a line too.</summary>
    private static List<string> Lines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('\r' or '\n')) continue;
            lines.Add(text[start..i]);
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            start = i + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    /// <summary>The file's text with every write and include kept inside the sandbox, line ends untouched.</summary>
    private static string ConfinedText(byte[] content)
    {
        var parts = LineEnd().Split(Encoding.Latin1.GetString(content));
        for (var i = 0; i < parts.Length; i += 2) parts[i] = Sandbox.Confine(parts[i]);
        return string.Concat(parts);
    }

    [GeneratedRegex("(\r\n|\r|\n)")]
    private static partial Regex LineEnd();
}
