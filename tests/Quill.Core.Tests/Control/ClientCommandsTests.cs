using System.Net;
using Xunit;

namespace Quill.Core.Tests.Control;

public class ClientCommandsTests
{
    [Fact]
    public void Recent_ListsClientsWithBytesInPensFormat()
    {
        var fixture = new DispatcherFixture();
        var selector = fixture.Selection.Selector;
        for (var i = 0; i < 3; i++)
        {
            var attempt = selector.Begin(IPAddress.Parse("127.0.0.1"), 40000 + i);
            selector.Finished(attempt, bytesToServer: 18, bytesToClient: i == 0 ? 19 : 18);
        }

        Assert.Equal("127.0.0.1 connects 3 sx 55 rx 54\n", fixture.Run("recent"));
    }

    [Fact]
    public void Recent_OnlyClientsSeenWithinTheSeconds()
    {
        var fixture = new DispatcherFixture();
        fixture.Selection.Pick("10.0.0.1");
        fixture.Selection.Time.Advance(TimeSpan.FromSeconds(100));
        fixture.Selection.Pick("10.0.0.2");

        Assert.Equal("10.0.0.1 connects 1 sx 0 rx 0\n10.0.0.2 connects 1 sx 0 rx 0\n", fixture.Run("recent"));
        Assert.Equal("10.0.0.2 connects 1 sx 0 rx 0\n", fixture.Run("recent 50"));
        fixture.Selection.Time.Advance(TimeSpan.FromSeconds(301));
        Assert.Equal("", fixture.Run("recent"));
    }

    [Theory]
    [InlineData("recent x", "recent: invalid number 'x'\n")]
    [InlineData("recent 1 2", "recent: unexpected argument '2'\n")]
    public void Recent_BadArgument_IsRefused(string command, string reply)
    {
        Assert.Equal(reply, new DispatcherFixture().Refuse(command));
    }
}
