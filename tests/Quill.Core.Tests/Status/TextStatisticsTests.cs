using Quill.Core.Status;
using Xunit;

namespace Quill.Core.Tests.Status;

public class TextStatisticsTests
{
    [Fact]
    public void Render_IsPensMessagesInOrder()
    {
        var messages = TextStatistics.Render(StatusFixture.Snapshot());

        Assert.Equal(
        [
            "Time 2026-11-26 04:50:54, 2 servers, 1 current",
            "Server 0 status:\naddress 127.0.0.1\n0\nport 19081\n0 connections (10 soft, 20 hard)\n0 sent, 0 received\nstate up\n",
            "Server 1 status:\naddress 127.0.0.1\n0\nport 19082\n0 connections (0 soft, 0 hard)\n0 sent, 0 received\nstate draining\n",
            "Max number of clients: 2048",
            "Active clients:",
            "Client 0 status:\naddress 127.0.0.5\nlast used 7\nlast server 1\nconnects  3\nsent  1072\nreceived  159\n",
            "Max number of connections: 256",
            "Active connections:",
            "Connection 0 status:\ndownfd = 8, upfd = 9\npending data 0 down, 0 up\nclient 0, server 1\n",
        ], messages);
    }

    [Fact]
    public void Render_NoClientsOrConnections_ListsHeadingsOnly()
    {
        var snapshot = StatusFixture.Snapshot() with { Clients = [], Connections = [] };

        var messages = TextStatistics.Render(snapshot);

        Assert.Equal("Active clients:", messages[4]);
        Assert.Equal("Max number of connections: 256", messages[5]);
        Assert.Equal("Active connections:", messages[^1]);
    }
}
