using System.Net;
using Quill.Core.Acl;
using Xunit;

namespace Quill.Core.Tests.Acl;

public sealed class AccessListsTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.1");

    [Fact]
    public void New_HasTenEmptyListsNumberedZeroToNine()
    {
        var lists = new AccessLists();

        for (var number = 0; number < AccessLists.Count; number++)
        {
            Assert.Equal(number, lists[number].Number);
            Assert.Empty(lists[number].Entries);
            Assert.True(lists.Permits(number, Client));
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void Indexer_OutOfRange_Throws(int number)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AccessLists()[number]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    [InlineData(int.MaxValue)]
    public void Permits_NumberOutOfRange_Denies(int number)
    {
        Assert.False(new AccessLists().Permits(number, Client));
    }

    [Fact]
    public void Apply_AddsToTheNamedListOnly()
    {
        var lists = new AccessLists();

        lists.Apply(new AclChange(4, new Ipv4AclEntry(false, Client)));

        Assert.False(lists.Permits(4, Client));
        Assert.True(lists.Permits(3, Client));
        Assert.True(lists.Permits(5, Client));
    }

    [Fact]
    public void Apply_NullEntry_ClearsTheList()
    {
        var lists = new AccessLists();
        lists.Apply(new AclChange(2, new Ipv4AclEntry(false, Client)));
        lists.Apply(new AclChange(2, new CountryAclEntry(true, "SE")));

        lists.Apply(new AclChange(2, null));

        Assert.Empty(lists[2].Entries);
        Assert.True(lists.Permits(2, Client));
    }

    [Fact]
    public void ToCommands_WritesAllTenListsInOrder()
    {
        var lists = new AccessLists();
        lists.Apply(new AclChange(1, new Ipv4AclEntry(true, IPAddress.Loopback)));
        lists.Apply(new AclChange(9, new Ipv6AclEntry(false, IPAddress.IPv6Loopback, 64)));

        Assert.Equal(
            [
                "no acl 0",
                "no acl 1", "acl 1 permit 127.0.0.1 255.255.255.255",
                "no acl 2", "no acl 3", "no acl 4", "no acl 5", "no acl 6", "no acl 7", "no acl 8",
                "no acl 9", "acl 9 deny ::1/64",
            ],
            lists.ToCommands());
    }

    [Fact]
    public void Entries_RejectWrongFamilyOrBadValues()
    {
        Assert.Throws<ArgumentException>(() => new Ipv4AclEntry(true, IPAddress.IPv6Loopback));
        Assert.Throws<ArgumentException>(() => new Ipv4AclEntry(true, IPAddress.Loopback, IPAddress.IPv6Loopback));
        Assert.Throws<ArgumentException>(() => new Ipv6AclEntry(true, IPAddress.Loopback));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv6AclEntry(true, IPAddress.IPv6Loopback, 129));
        Assert.Throws<ArgumentException>(() => new CountryAclEntry(true, "SWE"));
    }
}
