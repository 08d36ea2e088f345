using CsCheck;
using Quill.Core.Acl;
using Quill.Fuzz.Tests.Harness;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// The ACL parser (<c>acl N permit|deny ...</c>, <c>no acl N</c>): a change or a one-line error, and every accepted
/// entry reads back from what <c>write</c> prints for it as the same entry.
/// </summary>
public sealed class AclParserFuzz
{
    private const string Target = "acl";

    private static readonly string[] Vocabulary =
    [
        "0", "1", "9", "10", "permit", "deny", "country", "SE", "se", "S1", "SEE", "127.0.0.1", "10.0.0.0",
        "255.255.255.0", "255.0.255.0", "0.0.0.0", "1.2.3.4", "01.2.3.4", "1.2.3.04", "::1", "::1/128", "::1/0",
        "2001:db8::/32", "2001:db8::1/64", "::ffff:10.0.0.1", "::ffff:10.0.0.1/120", "[::1]", "fe80::1%1", "::/129",
        "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "::1/", "::1/+1", "::1/ 1",
    ];

    /// <summary>"no acl" when the flag is set; the words after "acl".</summary>
    private static readonly Gen<(bool No, string[] Words)> Commands =
        Gen.Select(Gen.Int[0, 9].Select(i => i == 0), Hostile.Word(Vocabulary).Array[0, 6]);

    [Fact]
    public void Fuzz() => FuzzCampaign.Run(Target, Commands, c => Check(c.No, c.Words), c => Printed.Words([c.No ? "no" : "acl", .. c.Words]));

    [Fact]
    public void Replay() => FuzzCampaign.Replay(Corpus.Words(Target), w => Check(w[0] == "no", w[1..]), Printed.Words);

    private static void Check(bool no, string[] words)
    {
        // The dispatcher hands the parser words split on spaces, never empty ones.
        words = [.. words.SelectMany(w => w.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        var result = no ? AclCommandParser.ParseNoAcl(words) : AclCommandParser.ParseAcl(words);
        if (!result.IsSuccess)
        {
            Assert.StartsWith(no ? "no acl: " : "acl: ", result.Error);
            Expect.OneLine(result.Error, words);
            return;
        }

        Assert.InRange(result.Change.AclNumber, 0, AccessLists.Count - 1);
        if (result.Change.Entry is not { } entry) return;
        var written = entry.ToCommand(result.Change.AclNumber);
        var reread = AclCommandParser.ParseAcl(written.Split(' ')[1..]);
        Assert.True(reread.IsSuccess, $"'{written}' does not read back: {reread.Error}");
        Assert.Equal(result.Change, reread.Change);
    }
}
