using System.Net;
using Quill.Core.Acl;
using Xunit;

namespace Quill.Core.Tests.Acl;

public sealed class AclCommandParserTests
{
    private static AclParseResult Parse(string wordsAfterAcl) =>
        AclCommandParser.ParseAcl(wordsAfterAcl.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static AclChange ParseOk(string wordsAfterAcl)
    {
        var result = Parse(wordsAfterAcl);
        Assert.True(result.IsSuccess, result.Error);
        Assert.Null(result.Error);
        return result.Change;
    }

    [Fact]
    public void ParseAcl_Ipv4WithoutMask_DefaultsToHostMask()
    {
        var change = ParseOk("3 permit 10.1.2.3");

        Assert.Equal(3, change.AclNumber);
        var entry = Assert.IsType<Ipv4AclEntry>(change.Entry);
        Assert.True(entry.Permit);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), entry.Address);
        Assert.Equal(IPAddress.Parse("255.255.255.255"), entry.Mask);
    }

    [Fact]
    public void ParseAcl_Ipv4WithMask_KeepsMask()
    {
        var entry = Assert.IsType<Ipv4AclEntry>(ParseOk("0 deny 192.168.0.0 255.255.0.0").Entry);

        Assert.False(entry.Permit);
        Assert.Equal(IPAddress.Parse("255.255.0.0"), entry.Mask);
    }

    [Fact]
    public void ParseAcl_AddressWithColon_IsIpv6WithDefaultPrefix128()
    {
        var entry = Assert.IsType<Ipv6AclEntry>(ParseOk("9 permit ::1").Entry);

        Assert.Equal(IPAddress.IPv6Loopback, entry.Address);
        Assert.Equal(128, entry.PrefixLength);
    }

    [Theory]
    [InlineData("2001:db8::/32", 32)]
    [InlineData("::/0", 0)]
    [InlineData("fe80::1/128", 128)]
    public void ParseAcl_Ipv6WithPrefix_KeepsPrefix(string text, int expected)
    {
        var entry = Assert.IsType<Ipv6AclEntry>(ParseOk($"1 deny {text}").Entry);

        Assert.Equal(expected, entry.PrefixLength);
    }

    [Fact]
    public void ParseAcl_Country_StoresCode()
    {
        var entry = Assert.IsType<CountryAclEntry>(ParseOk("2 deny country SE").Entry);

        Assert.False(entry.Permit);
        Assert.Equal("SE", entry.CountryCode);
    }

    [Fact]
    public void ParseAcl_RepeatedSpaces_AreHarmless()
    {
        Assert.IsType<Ipv4AclEntry>(ParseOk("  4   permit   1.2.3.4   255.0.0.0 ").Entry);
    }

    [Theory]
    [InlineData("", "acl: missing ACL number")]
    [InlineData("12 permit 1.2.3.4", "acl: ACL number 12 out of range 0-9")]
    [InlineData("10 permit 1.2.3.4", "acl: ACL number 10 out of range 0-9")]
    [InlineData("-1 permit 1.2.3.4", "acl: ACL number -1 out of range 0-9")]
    [InlineData("99999999999 permit 1.2.3.4", "acl: ACL number 99999999999 out of range 0-9")]
    [InlineData("x permit 1.2.3.4", "acl: bad ACL number 'x'")]
    [InlineData("1", "acl: missing 'permit' or 'deny' after ACL number 1")]
    [InlineData("1 allow 1.2.3.4", "acl: expected 'permit' or 'deny', got 'allow'")]
    [InlineData("1 Permit 1.2.3.4", "acl: expected 'permit' or 'deny', got 'Permit'")]
    [InlineData("1 permit", "acl: missing address after 'permit'")]
    [InlineData("1 permit 1.2.3", "acl: bad IPv4 address '1.2.3'")]
    [InlineData("1 permit 1.2.3.256", "acl: bad IPv4 address '1.2.3.256'")]
    [InlineData("1 permit 10.0.0.0/8", "acl: bad IPv4 address '10.0.0.0/8'")]
    [InlineData("1 permit 0x7f.0.0.1", "acl: bad IPv4 address '0x7f.0.0.1'")]
    [InlineData("1 permit host.example", "acl: bad IPv4 address 'host.example'")]
    [InlineData("1 permit 1.2.3.4 255.0.x.0", "acl: bad mask '255.0.x.0'")]
    [InlineData("1 permit 1.2.3.4 8", "acl: bad mask '8'")]
    [InlineData("1 permit 1.2.3.4 255.0.0.0 extra", "acl: unexpected 'extra' after the address")]
    [InlineData("1 permit zz::1", "acl: bad IPv6 address 'zz::1'")]
    [InlineData("1 permit fe80::1%eth0", "acl: bad IPv6 address 'fe80::1%eth0'")]
    [InlineData("1 permit ::1/129", "acl: bad prefix length '129' in '::1/129', expected 0-128")]
    [InlineData("1 permit ::1/", "acl: bad prefix length '' in '::1/', expected 0-128")]
    [InlineData("1 permit ::1/-1", "acl: bad prefix length '-1' in '::1/-1', expected 0-128")]
    [InlineData("1 permit ::1 128", "acl: unexpected '128' after the address")]
    [InlineData("1 deny country", "acl: missing country code after 'country'")]
    [InlineData("1 deny country USA", "acl: bad country code 'USA', expected two letters")]
    [InlineData("1 deny country S1", "acl: bad country code 'S1', expected two letters")]
    [InlineData("1 deny country SE NO", "acl: unexpected 'NO' after the address")]
    public void ParseAcl_Malformed_ReturnsOneLineErrorAndNoChange(string words, string expected)
    {
        var result = Parse(words);

        Assert.False(result.IsSuccess);
        Assert.Null(result.Change);
        Assert.Equal(expected, result.Error);
        Assert.DoesNotContain('\n', result.Error);
    }

    [Fact]
    public void ParseNoAcl_Number_ClearsThatList()
    {
        var result = AclCommandParser.ParseNoAcl(["7"]);

        Assert.True(result.IsSuccess);
        Assert.Equal(new AclChange(7, null), result.Change);
    }

    [Theory]
    [InlineData(new string[0], "no acl: missing ACL number")]
    [InlineData(new[] { "10" }, "no acl: ACL number 10 out of range 0-9")]
    [InlineData(new[] { "a" }, "no acl: bad ACL number 'a'")]
    [InlineData(new[] { "1", "2" }, "no acl: unexpected '2' after ACL number 1")]
    public void ParseNoAcl_Malformed_ReturnsError(string[] words, string expected)
    {
        var result = AclCommandParser.ParseNoAcl(words);

        Assert.False(result.IsSuccess);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void ParseAcl_Error_LeavesListsUnchanged()
    {
        var lists = new AccessLists();
        lists.Apply(ParseOk("1 permit 1.2.3.4"));

        var result = Parse("1 deny 1.2.3.4 255.0.x.0");

        Assert.False(result.IsSuccess);
        Assert.Single(lists[1].Entries);
    }
}
