using Quill.Core.Health;
using Xunit;

namespace Quill.Core.Tests.Health;

public class CheckStringTests
{
    [Theory]
    [InlineData("PING\\r\\n", new byte[] { 0x50, 0x49, 0x4E, 0x47, 0x0D, 0x0A })]
    [InlineData("\\t\\\\\\x41\\xff", new byte[] { 0x09, 0x5C, 0x41, 0xFF })]
    [InlineData("220", new byte[] { 0x32, 0x32, 0x30 })]
    public void TryParse_Escapes(string text, byte[] bytes)
    {
        Assert.True(CheckString.TryParse(text, out var parsed, out _));
        Assert.Equal(bytes, parsed);
    }

    [Fact]
    public void Format_EveryByte_ReadsBack()
    {
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();

        var text = CheckString.Format(all);

        Assert.DoesNotContain(' ', text);
        Assert.True(CheckString.TryParse(text, out var back, out _));
        Assert.Equal(all, back);
    }

    [Theory]
    [InlineData("a\\")]
    [InlineData("\\xZZ")]
    [InlineData("\\x1")]
    [InlineData("\\a")]
    [InlineData("é\u0100")]
    public void TryParse_Malformed_IsRefused(string text) => Assert.False(CheckString.TryParse(text, out _, out _));
}
