using System.Net;
using Xunit;

namespace Quill.Core.Tests.Control;

public class AclCommandsTests
{
    [Fact]
    public void Acl_AppendsEntries_AndNoAclEmptiesTheList()
    {
        var fixture = new DispatcherFixture();

        Assert.Equal("", fixture.Run("acl 1 permit 10.0.0.0 255.0.0.0"));
        Assert.Equal("", fixture.Run("acl 1 deny ::1/64"));
        Assert.Equal(["no acl 1", "acl 1 permit 10.0.0.0 255.0.0.0", "acl 1 deny ::1/64"], fixture.Acls[1].ToCommands());

        Assert.Equal("", fixture.Run("no acl 1"));
        Assert.Empty(fixture.Acls[1].Entries);
    }

    [Fact]
    public void Acl_CountryEntry_IsStored()
    {
        var fixture = new DispatcherFixture();

        fixture.Run("acl 2 deny country SE");

        Assert.Equal(["no acl 2", "acl 2 deny country SE"], fixture.Acls[2].ToCommands());
    }

    [Fact]
    public void Acl_MasksTheStoredAddress()
    {
        var fixture = new DispatcherFixture();

        fixture.Run("acl 3 permit 127.0.0.5 255.0.0.0");

        Assert.True(fixture.Acls.Permits(3, IPAddress.Parse("127.0.0.1")));
    }

    [Theory]
    [InlineData("acl 12 permit 1.2.3.4", "acl: ACL number 12 out of range 0-9\n")]
    [InlineData("acl x permit 1.2.3.4", "acl: bad ACL number 'x'\n")]
    [InlineData("acl 1 allow 1.2.3.4", "acl: expected 'permit' or 'deny', got 'allow'\n")]
    [InlineData("acl 1 permit", "acl: missing address after 'permit'\n")]
    [InlineData("acl 1 permit 1.2.3", "acl: bad IPv4 address '1.2.3'\n")]
    [InlineData("acl 1 permit ::1/129", "acl: bad prefix length '129' in '::1/129', expected 0-128\n")]
    [InlineData("acl", "acl: missing ACL number\n")]
    [InlineData("no acl", "no acl: missing ACL number\n")]
    [InlineData("no acl 10", "no acl: ACL number 10 out of range 0-9\n")]
    public void BadAcl_IsRefusedAndChangesNothing(string command, string reply)
    {
        var fixture = new DispatcherFixture();
        fixture.Run("acl 1 permit 1.2.3.4");
        var before = fixture.Snapshot();

        Assert.Equal(reply, fixture.Refuse(command));

        Assert.Equal(before, fixture.Snapshot());
    }
}
