using Xunit;

namespace Quill.Core.Tests.Control;

public class ConnectionCommandsTests
{
    [Fact]
    public void Connection_InUse_ShowsFiveLines()
    {
        Assert.Equal("Connection 1:\nstate = 2\ndownfd = 17, upfd = 18\nclient = 0, server = 1\npend = 0\n",
            new DispatcherFixture().Run("connection 1"));
    }

    [Fact]
    public void Connection_Unused_ShowsPensEmptySlot()
    {
        Assert.Equal("Connection 0:\nstate = 0\ndownfd = -1, upfd = -1\nclient = 0, server = 0\npend = 0\n",
            new DispatcherFixture().Run("connection 0"));
    }

    [Theory]
    [InlineData("connection 4", "Connection 4 out of range\n")]
    [InlineData("connection -1", "Connection -1 out of range\n")]
    [InlineData("close 700", "Connection 700 out of range\n")]
    [InlineData("close -2", "Connection -2 out of range\n")]
    [InlineData("connection", "connection: missing number\n")]
    [InlineData("close", "close: missing number\n")]
    [InlineData("close x", "close: invalid number 'x'\n")]
    [InlineData("close 1 2", "close: unexpected argument '2'\n")]
    public void OutOfRangeOrBad_IsRefused(string command, string reply)
    {
        var fixture = new DispatcherFixture();

        Assert.Equal(reply, fixture.Refuse(command));
        Assert.Empty(fixture.Runtime.Closed);
    }

    [Fact]
    public void Close_ClosesTheConnection()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("Forcibly closing connection 1\n", fixture.Run("close 1"));
        Assert.Equal([1], fixture.Runtime.Closed);
    }

    [Theory]
    [InlineData("socket 17", "Socket 17 belongs to connection 1\n")]
    [InlineData("socket 3", "Socket 3 belongs to connection -1\n")]
    public void Socket_NamesTheConnection(string command, string reply)
    {
        Assert.Equal(reply, new DispatcherFixture().Run(command));
    }
}
