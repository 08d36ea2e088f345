using System.Text;
using CsCheck;
using Quill.Fuzz.Tests.Harness;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// The control dispatcher (penctl commands from -C, -o, -F, include and HUP): every line gets a reply, a reply is
/// whole lines, a refused command answers one line and changes nothing (compared before and after, in whatever
/// state the commands before it left).
/// </summary>
public sealed class PenctlFuzz
{
    private const string Target = "penctl";

    [Fact]
    public void Fuzz() => FuzzCampaign.Run(Target, PenctlCommands.Line.Array[1, 4], lines => Check(lines, bigTables: false), Printed.Words);

    [Fact]
    public void Replay() => FuzzCampaign.Replay(Corpus.Words(Target), lines => Check(lines, bigTables: true), Printed.Words);

    /// <summary>A line as a real source can deliver it: the control port and -F decode Latin-1, -o arguments arrive as
    /// UTF-8 decoded by .NET, so a lone UTF-16 surrogate (which write could not encode) never reaches the dispatcher.</summary>
    private static string AsDelivered(string line) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(line));

    private static void Check(string[] lines, bool bigTables)
    {
        var fixture = PenctlCommands.NewFixture();
        var before = PenctlCommands.Snapshot(fixture);
        foreach (var line in lines.Select(AsDelivered))
        {
            var confined = Sandbox.Confine(line, bigTables);
            var reply = fixture.Dispatcher.Execute(confined);
            Assert.True(reply.Text.Length == 0 || reply.Text.EndsWith('\n'), $"'{line}': reply not ending a line: {reply.Text}");
            var after = PenctlCommands.Snapshot(fixture);
            // include runs every line of its file, and a refused line does not undo the ones before it, as in pen.
            if (reply.IsError && !confined.StartsWith("include", StringComparison.Ordinal))
            {
                Assert.True(reply.Text.IndexOf('\n') == reply.Text.Length - 1, $"'{line}': refusal of more than one line: {reply.Text}");
                Assert.True(before == after, $"'{line}' was refused ({reply.Text.TrimEnd()}) but changed:\n{before}\n---\n{after}");
            }
            before = after;
        }
    }
}
