using System.Net;
using Quill.Core.Configuration;
using Quill.Core.Model;
using Xunit;

namespace Quill.Core.Tests.Model;

public sealed class ServerTableTests
{
    private static ServerState Server(int port) =>
        new(new ServerSpec($"127.0.0.1:{port}", "127.0.0.1", port, null), new IPEndPoint(IPAddress.Loopback, port));

    [Fact]
    public void Indexer_ResolvesRegularAndHiddenSlots()
    {
        var emergency = Server(99);
        var table = new ServerTable([Server(1), Server(2)], emergency, abuse: null);

        Assert.Equal(2, table.Count);
        Assert.Equal(2, table[1]!.Spec.Port);
        Assert.Same(emergency, table[ServerIndex.Emergency]);
        Assert.Null(table[ServerIndex.Abuse]);
        Assert.Null(table[ServerIndex.None]);
        Assert.Null(table[2]);
    }

    [Fact]
    public void Add_AppendsWithoutChangingEarlierSnapshots()
    {
        var table = new ServerTable([Server(1)], null, null);
        var before = table.Regular;

        var index = table.Add(Server(2));

        Assert.Equal(1, index);
        Assert.Equal(2, table.Count);
        Assert.Single(before);
    }
}
