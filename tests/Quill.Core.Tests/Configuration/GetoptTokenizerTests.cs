using Xunit;
using Quill.Core.Configuration;

namespace Quill.Core.Tests.Configuration;

public class GetoptTokenizerTests
{
    private const string Spec = "b:x:dfr";

    private static GetoptResult Tokenize(params string[] args) => GetoptTokenizer.Tokenize(args, Spec);

    [Fact]
    public void Tokenize_BundledFlagsWithValueInNextWord_Works()
    {
        var result = Tokenize("-rfx", "500", "8080");

        Assert.Equal(
            [new(GetoptOptionKind.Flag, "r"), new(GetoptOptionKind.Flag, "f"), new(GetoptOptionKind.WithValue, "x", "500")],
            result.Options);
        Assert.Equal(["8080"], result.Operands);
    }

    [Fact]
    public void Tokenize_ValueAttached_TakesRestOfWord()
    {
        var result = Tokenize("-x500", "-dfb7");

        Assert.Equal(
            [new(GetoptOptionKind.WithValue, "x", "500"), new(GetoptOptionKind.Flag, "d"), new(GetoptOptionKind.Flag, "f"),
             new(GetoptOptionKind.WithValue, "b", "7")],
            result.Options);
    }

    [Fact]
    public void Tokenize_ValueMayStartWithDash()
    {
        var result = Tokenize("-b", "-f", "80");

        Assert.Equal([new GetoptOption(GetoptOptionKind.WithValue, "b", "-f")], result.Options);
        Assert.Equal(["80"], result.Operands);
    }

    [Fact]
    public void Tokenize_StopsAtFirstOperand()
    {
        var result = Tokenize("-d", "80", "-f", "a");

        Assert.Single(result.Options);
        Assert.Equal(["80", "-f", "a"], result.Operands);
        Assert.False(result.OperandsAfterDoubleDash);
    }

    [Fact]
    public void Tokenize_DoubleDash_EndsOptions()
    {
        var result = Tokenize("-d", "--", "-f", "a");

        Assert.Single(result.Options);
        Assert.Equal(["-f", "a"], result.Operands);
        Assert.True(result.OperandsAfterDoubleDash);
    }

    [Fact]
    public void Tokenize_LoneDash_IsOperand()
    {
        var result = Tokenize("-", "-d");

        Assert.Empty(result.Options);
        Assert.Equal(["-", "-d"], result.Operands);
    }

    [Fact]
    public void Tokenize_MissingValueAtEnd_IsReported()
    {
        var result = Tokenize("-d", "-x");

        Assert.Equal(new GetoptOption(GetoptOptionKind.MissingValue, "x"), result.Options[^1]);
    }

    [Theory]
    [InlineData("-z", "z")]
    [InlineData("-?", "?")]
    [InlineData("-:", ":")]
    public void Tokenize_LetterNotInSpec_IsUnknown(string word, string name)
    {
        var result = Tokenize(word);

        Assert.Equal([new GetoptOption(GetoptOptionKind.Unknown, name)], result.Options);
    }

    [Fact]
    public void Tokenize_LongOption_KeepsName()
    {
        var result = Tokenize("--demo", "--help", "80");

        Assert.Equal([new(GetoptOptionKind.Long, "demo"), new(GetoptOptionKind.Long, "help")], result.Options);
        Assert.Equal("--demo", result.Options[0].Display);
        Assert.Equal(["80"], result.Operands);
    }
}
