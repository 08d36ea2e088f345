using Xunit;
using Quill.Core.Configuration;

namespace Quill.Core.Tests.Configuration;

public class WholeNumberTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("007", 7)]
    [InlineData("2147483647", int.MaxValue)]
    public void TryParse_Digits_Works(string text, int expected)
    {
        Assert.True(WholeNumber.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("１")]
    [InlineData("2147483648")]
    public void TryParse_NotWholeNumber_Fails(string text)
    {
        Assert.False(WholeNumber.TryParse(text, out _));
    }
}
