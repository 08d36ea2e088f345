using Quill.Net.Forwarding;

namespace Quill.Net.Tests.Forwarding;

public sealed class ForwardingModeSettingTests
{
    [Theory]
    [InlineData(null, ForwardingMode.Auto)]
    [InlineData("", ForwardingMode.Auto)]
    [InlineData("auto", ForwardingMode.Auto)]
    [InlineData("splice", ForwardingMode.Splice)]
    [InlineData(" Buffered ", ForwardingMode.Buffered)]
    public void Parse_KnownValue_GivesMode(string? value, ForwardingMode expected) =>
        Assert.Equal(expected, ForwardingModeSetting.Parse(value));

    [Fact]
    public void Parse_UnknownValue_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => ForwardingModeSetting.Parse("zerocopy"));
        Assert.Equal("QUILL_FORWARDING=zerocopy is not one of auto, splice, buffered", error.Message);
    }
}
