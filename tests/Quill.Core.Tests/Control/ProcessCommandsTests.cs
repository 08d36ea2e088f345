using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Control;

public class ProcessCommandsTests
{
    [Fact]
    public void Pid_RepliesTheProcessId()
    {
        Assert.Equal("4242\n", new DispatcherFixture().Run("pid"));
    }

    [Fact]
    public void Exit_WithoutX_IsRefusedWithPensReply()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("Exit is not enabled; restart with -X flag\n", fixture.Refuse("exit"));
        Assert.Equal(0, fixture.Runtime.ExitRequests);
    }

    [Fact]
    public void Exit_WithX_RepliesNothingAndStops()
    {
        var fixture = new DispatcherFixture(new QuillOptions { ExitEnabled = true });

        Assert.Equal("", fixture.Run("exit"));
        Assert.Equal(1, fixture.Runtime.ExitRequests);
    }

    [Fact]
    public void Listen_Query_RepliesTheAddressAsGiven()
    {
        Assert.Equal("127.0.0.1:8080\n", new DispatcherFixture().Run("listen"));
    }

    [Fact]
    public void Listen_Address_MovesTheListener()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("127.0.0.1:9090\n", fixture.Run("listen 127.0.0.1:9090"));
        Assert.Equal(["127.0.0.1:9090"], fixture.Runtime.Listened);
    }

    [Theory]
    [InlineData("listen 127.0.0.1:1", "listen: cannot listen on 127.0.0.1:1: address already in use\n")]
    [InlineData("listen 127.0.0.1:nope", "listen: invalid listen address '127.0.0.1:nope': unknown port 'nope'\n")]
    [InlineData("listen a b", "listen: unexpected argument 'b'\n")]
    public void Listen_Bad_IsRefusedAndTheOldListenerStays(string command, string reply)
    {
        var fixture = new DispatcherFixture();

        Assert.Equal(reply, fixture.Refuse(command));
        Assert.Equal("127.0.0.1:8080\n", fixture.Run("listen"));
    }

    [Fact]
    public void Control_RepliesTheControlAddressAsGiven()
    {
        var options = new QuillOptions { Control = new ListenSpec("127.0.0.1:9100", "127.0.0.1", 9100, null) };

        Assert.Equal("127.0.0.1:9100\n", new DispatcherFixture(options).Run("control"));
    }
}
