using Xunit;

namespace Quill.Core.Tests.Control;

public class UnavailableCommandsTests
{
    [Theory]
    [InlineData("pending_max 5", "pending_max: pending connect limit is not available yet in quill\n")]
    [InlineData("tarpit_acl 1", "tarpit_acl: tarpit is not available yet in quill\n")]
    [InlineData("dsr_if eth0", "dsr_if: direct server return is not available yet in quill\n")]
    [InlineData("peek", "peek: peek is not available yet in quill\n")]
    [InlineData("abort_on_error", "abort_on_error: abort on error is not available yet in quill\n")]
    public void LaterFeature_IsRefusedWithOneClearLine(string command, string reply)
    {
        var fixture = new DispatcherFixture();
        var before = fixture.Snapshot();

        Assert.Equal(reply, fixture.Refuse(command));
        Assert.Equal(before, fixture.Snapshot());
    }

    [Theory]
    [InlineData("no http")]
    [InlineData("no tcp_nodelay")]
    [InlineData("tcp_fastclose off")]
    [InlineData("no keepalive")]
    [InlineData("no peek")]
    [InlineData("no abort_on_error")]
    public void TurningOffWhatIsOff_IsAccepted(string command)
    {
        Assert.Equal("", new DispatcherFixture().Run(command));
    }
}
