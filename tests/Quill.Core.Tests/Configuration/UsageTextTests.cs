using Xunit;
using Quill.Core.Configuration;

namespace Quill.Core.Tests.Configuration;

public class UsageTextTests
{
    private static string[] Lines => CommandLineParser.Usage.Split('\n');

    public static TheoryData<char> AllLetters() => [.. OptionTable.GetoptString.Where(char.IsAsciiLetter)];

    [Theory]
    [MemberData(nameof(AllLetters))]
    public void Usage_DocumentsEveryOption(char letter)
    {
        Assert.Contains(Lines, line => line.TrimStart().StartsWith($"-{letter} ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--version")]
    [InlineData("--demo")]
    [InlineData("--takeover")]
    [InlineData("--grace")]
    [InlineData("--sockmap")]
    [InlineData("--no-sockmap")]
    [InlineData("-?")]
    public void Usage_DocumentsLongOptions(string option)
    {
        Assert.Contains(option, CommandLineParser.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_StatesQuillDefaults()
    {
        Assert.Contains("connect timeout in seconds [5]", CommandLineParser.Usage, StringComparison.Ordinal);
        Assert.Contains("max number of simultaneous connections [256]", CommandLineParser.Usage, StringComparison.Ordinal);
    }
}
