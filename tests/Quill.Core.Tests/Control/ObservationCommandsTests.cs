using System.Text.Json;
using Quill.Core.Configuration;
using Xunit;

namespace Quill.Core.Tests.Control;

/// <summary>web_listen, web_acl, log_format and json: quill's observation commands.</summary>
public class ObservationCommandsTests
{
    [Fact]
    public void WebListen_BarePort_IsLoopbackOnly_LikeTheControlPort()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("9100\n", fixture.Run("web_listen 9100"));
        Assert.Equal(new ListenSpec("9100", "127.0.0.1", 9100, null), fixture.Runtime.WebListen);
        Assert.Equal("[::1]:9101\n", fixture.Run("web_listen [::1]:9101"));
        Assert.Equal("::1", fixture.Runtime.WebListen?.Host);
        Assert.Equal("/run/quill.web\n", fixture.Run("web_listen /run/quill.web"));
        Assert.Equal("", fixture.Run("no web_listen"));
        Assert.Null(fixture.Runtime.WebListen);
    }

    [Theory]
    [InlineData("web_listen x:abc", "web_listen: invalid listen address 'x:abc': unknown port 'abc'\n")]
    [InlineData("web_listen 1 2", "web_listen: unexpected argument '2'\n")]
    [InlineData("no web_listen 1", "no web_listen: unexpected argument '1'\n")]
    [InlineData("web_acl 10", "web_acl: ACL number 10 out of range 0-9\n")]
    [InlineData("log_format xml", "log_format: 'xml' is neither json nor pen\n")]
    [InlineData("json", "json: missing command (servers, health, recent, mode or status)\n")]
    [InlineData("json clients", "json: no JSON form for 'clients' (servers, health, recent [S], mode, status)\n")]
    [InlineData("json recent x", "recent: invalid number 'x'\n")]
    public void BadInput_IsRefusedWithOneLine_AndChangesNothing(string command, string error)
    {
        var fixture = new DispatcherFixture();
        var before = fixture.Snapshot() + fixture.Run("web_acl") + fixture.Run("log_format");

        Assert.Equal(error, fixture.Refuse(command));
        Assert.Equal(before, fixture.Snapshot() + fixture.Run("web_acl") + fixture.Run("log_format"));
        Assert.Null(fixture.Runtime.WebListen);
    }

    [Fact]
    public void WebAclAndLogFormat_AreSetRead_AndWrittenBack()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("0\n", fixture.Run("web_acl"));
        Assert.Equal("4\n", fixture.Run("web_acl 4"));
        Assert.Equal("pen\n", fixture.Run("log_format"));
        Assert.Equal("json\n", fixture.Run("log_format json"));
        fixture.Run("web_listen 127.0.0.1:9100");
        var written = Path.Combine(Path.GetTempPath(), $"quill-observe-{Guid.NewGuid():N}.conf");
        try
        {
            fixture.Run($"write {written}");
            var lines = File.ReadAllLines(written);
            Assert.Contains("web_listen 127.0.0.1:9100", lines);
            Assert.Contains("web_acl 4", lines);
            Assert.Contains("log_format json", lines);
        }
        finally
        {
            File.Delete(written);
        }
    }

    [Fact]
    public void JsonServers_HasTheTextRepliesFieldsAndTheState()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("server 1 blacklist 10");

        using var json = JsonDocument.Parse(fixture.Run("json servers"));
        var servers = json.RootElement;

        Assert.Equal(3, servers.GetArrayLength());
        Assert.Equal("up", servers[0].GetProperty("state").GetString());
        Assert.Equal("blacklisted", servers[1].GetProperty("state").GetString());
        Assert.Equal(9002, servers[1].GetProperty("port").GetInt32());
        Assert.Equal("{\"hash\":false,\"roundrobin\":false,\"stubborn\":false,\"weight\":false,\"prio\":false}\n", fixture.Run("json mode"));
        Assert.Equal("[]\n", fixture.Run("json recent 5"));
    }
}
