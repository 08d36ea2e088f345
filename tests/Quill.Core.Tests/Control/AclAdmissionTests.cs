using Quill.Core.Model;
using Xunit;

namespace Quill.Core.Tests.Control;

public class AclAdmissionTests
{
    [Fact]
    public void ClientAcl_DeniedClientGoesNowhereWithoutAbuseServer()
    {
        var fixture = new DispatcherFixture();
        fixture.Run("acl 4 deny 10.0.0.1");
        fixture.Run("client_acl 4");

        Assert.Equal(ServerIndex.None, fixture.Selection.Pick("10.0.0.1"));
        Assert.NotEqual(ServerIndex.None, fixture.Selection.Pick("10.0.0.2"));
    }

    [Fact]
    public void ServerAcl_DeniedClientSkipsThatServer()
    {
        var fixture = new DispatcherFixture(servers: 2);
        fixture.Run("acl 5 deny 10.0.0.1");
        fixture.Run("server 0 acl 5");
        fixture.Run("server 1 acl 5");

        Assert.Equal(ServerIndex.None, fixture.Selection.Pick("10.0.0.1"));

        fixture.Run("server 1 acl 0");
        Assert.Equal(1, fixture.Selection.Pick("10.0.0.1"));
    }
}
