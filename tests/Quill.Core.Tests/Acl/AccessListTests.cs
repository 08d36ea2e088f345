using System.Net;
using Quill.Core.Acl;
using Xunit;

namespace Quill.Core.Tests.Acl;

public sealed class AccessListTests
{
    private static AccessList ListOf(params string[] commands) => ListOf(AccessLists.NoCountryDatabase, commands);

    private static AccessList ListOf(Func<IPAddress, string?> countryOf, params string[] commands)
    {
        var lists = new AccessLists(countryOf);
        foreach (var command in commands)
        {
            var result = AclCommandParser.ParseAcl(("0 " + command).Split(' '));
            Assert.True(result.IsSuccess, result.Error);
            lists.Apply(result.Change);
        }
        return lists[0];
    }

    private static bool Permits(AccessList list, string client) => list.Permits(IPAddress.Parse(client));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Permits_EmptyList_PermitsEverything(string client)
    {
        Assert.True(Permits(ListOf(), client));
    }

    [Fact]
    public void Permits_UnixClient_AlwaysPermitted()
    {
        var list = ListOf("deny 0.0.0.0 0.0.0.0", "deny ::/0");

        Assert.True(list.Permits(null));
    }

    [Fact]
    public void Permits_FirstMatchDecides()
    {
        var list = ListOf("deny 10.0.0.1", "permit 10.0.0.0 255.0.0.0");

        Assert.False(Permits(list, "10.0.0.1"));
        Assert.True(Permits(list, "10.0.0.2"));
    }

    [Fact]
    public void Permits_NoMatch_IsOppositeOfLastEntry()
    {
        Assert.False(Permits(ListOf("permit 10.0.0.1"), "10.0.0.2"));
        Assert.True(Permits(ListOf("deny 10.0.0.1"), "10.0.0.2"));
    }

    [Fact]
    public void Permits_OnlyIpv6Permit_DeniesIpv4Clients()
    {
        // pen's verified behaviour: the fallback looks at the last entry whatever its family.
        var list = ListOf("permit ::1/128");

        Assert.False(Permits(list, "127.0.0.1"));
        Assert.True(Permits(list, "::1"));
        Assert.False(Permits(list, "::2"));
    }

    [Fact]
    public void Permits_OtherFamilyEntries_AreSkipped()
    {
        // ::/0 would match everything if families were mixed; an IPv4 client must fall through to the 1.2.3.4 entry.
        var list = ListOf("deny ::/0", "permit 1.2.3.4");

        Assert.True(Permits(list, "1.2.3.4"));
        Assert.False(Permits(list, "1.2.3.5"));
        Assert.False(Permits(list, "2001:db8::1"));
    }

    [Fact]
    public void Permits_StoredIpv4AddressIsMasked_FixingPen()
    {
        var list = ListOf("permit 127.0.0.5 255.0.0.0");

        Assert.True(Permits(list, "127.0.0.1"));
        Assert.True(Permits(list, "127.200.3.4"));
        Assert.False(Permits(list, "128.0.0.1"));
    }

    [Fact]
    public void Permits_StoredIpv6AddressIsMasked()
    {
        var list = ListOf("permit 2001:db8::5/32");

        Assert.True(Permits(list, "2001:db8:ffff::1"));
        Assert.False(Permits(list, "2001:db9::1"));
    }

    [Theory]
    [InlineData("fe80::/10", "febf::1", true)]
    [InlineData("fe80::/10", "fec0::1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("2001:db8::1/127", "2001:db8::0", true)]
    [InlineData("2001:db8::1/127", "2001:db8::2", false)]
    public void Permits_Ipv6Prefix_MatchesByLeadingBits(string entry, string client, bool permitted)
    {
        Assert.Equal(permitted, Permits(ListOf($"permit {entry}"), client));
    }

    [Fact]
    public void Permits_NonContiguousIpv4Mask_ComparesMaskedBits()
    {
        var list = ListOf("permit 10.0.0.7 255.0.0.255");

        Assert.True(Permits(list, "10.99.99.7"));
        Assert.False(Permits(list, "10.99.99.8"));
    }

    [Fact]
    public void Permits_ZeroMask_MatchesAllIpv4()
    {
        var list = ListOf("deny 0.0.0.0 0.0.0.0", "permit ::1");

        Assert.False(Permits(list, "8.8.8.8"));
        Assert.True(Permits(list, "::1"));
    }

    [Fact]
    public void Permits_Ipv4MappedIpv6Client_IsTreatedAsIpv4()
    {
        var list = ListOf("deny ::/0", "permit 127.0.0.0 255.0.0.0", "deny 0.0.0.0 0.0.0.0");

        Assert.True(Permits(list, "::ffff:127.0.0.1"));
        Assert.False(Permits(list, "::ffff:10.0.0.1"));
    }

    [Fact]
    public void Permits_CountryWithoutDatabase_NeverMatches()
    {
        var list = ListOf("deny country SE");

        // No match, so the result is the opposite of the last (deny) entry.
        Assert.True(Permits(list, "1.2.3.4"));
    }

    [Fact]
    public void Permits_Country_UsesInjectedLookupForBothFamilies()
    {
        var list = ListOf(ip => ip.Equals(IPAddress.Parse("1.2.3.4")) || ip.Equals(IPAddress.Parse("2001:db8::1")) ? "SE" : "NO",
            "deny country se", "permit 0.0.0.0 0.0.0.0", "permit ::/0");

        Assert.False(Permits(list, "1.2.3.4"));
        Assert.False(Permits(list, "2001:db8::1"));
        Assert.True(Permits(list, "5.6.7.8"));
        Assert.True(Permits(list, "2001:db8::2"));
    }

    [Fact]
    public void Permits_Country_LooksUpAtMostOncePerEvaluation()
    {
        var lookups = 0;
        IPAddress? seen = null;
        var list = ListOf(ip => { lookups++; seen = ip; return "US"; },
            "deny country SE", "deny country NO", "permit country US");

        Assert.True(Permits(list, "::ffff:1.2.3.4"));
        Assert.Equal(1, lookups);
        Assert.Equal(IPAddress.Parse("1.2.3.4"), seen);
    }

    [Fact]
    public void Permits_NoCountryEntries_NeverCallsLookup()
    {
        var lookups = 0;
        var list = ListOf(_ => { lookups++; return "SE"; }, "permit 1.2.3.4");

        Permits(list, "1.2.3.4");
        Permits(list, "5.6.7.8");

        Assert.Equal(0, lookups);
    }

    [Fact]
    public void Clear_EmptiesList_SoItPermitsAgain()
    {
        var list = ListOf("deny 0.0.0.0 0.0.0.0");
        Assert.False(Permits(list, "1.1.1.1"));

        list.Clear();

        Assert.Empty(list.Entries);
        Assert.True(Permits(list, "1.1.1.1"));
    }

    [Fact]
    public void ToCommands_WritesNoAclThenEntriesInPenFormat()
    {
        var list = ListOf("permit 127.0.0.5 255.0.0.0", "deny 10.0.0.1", "permit 2001:0db8:0::5/32",
            "deny ::1", "deny country SE");

        Assert.Equal(
            [
                "no acl 0",
                "acl 0 permit 127.0.0.5 255.0.0.0",
                "acl 0 deny 10.0.0.1 255.255.255.255",
                "acl 0 permit 2001:db8::5/32",
                "acl 0 deny ::1/128",
                "acl 0 deny country SE",
            ],
            list.ToCommands());
    }

    [Fact]
    public void ToCommands_ParsedBack_GivesEqualEntries()
    {
        var original = ListOf("permit 127.0.0.5 255.0.0.0", "deny fe80::1/10", "deny country DE");
        var copy = new AccessLists();

        foreach (var line in original.ToCommands())
        {
            var words = line.Split(' ');
            var result = words[0] == "no"
                ? AclCommandParser.ParseNoAcl(words[2..])
                : AclCommandParser.ParseAcl(words[1..]);
            Assert.True(result.IsSuccess, result.Error);
            copy.Apply(result.Change);
        }

        Assert.Equal(original.Entries.ToArray(), copy[0].Entries.ToArray());
    }

    [Fact]
    public async Task Permits_WhileAnotherThreadEditsTheList_SeesOnlyWholeStates()
    {
        // Every published state is empty or "deny 10.0.0.1" followed by "permit 10.0.0.1" entries;
        // a reader must only ever see one of those whole states.
        var list = ListOf();
        var client = IPAddress.Parse("10.0.0.1");
        using var readerDone = new CancellationTokenSource();
        var writerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(() =>
        {
            while (!readerDone.IsCancellationRequested)
            {
                list.Clear();
                list.Add(new Ipv4AclEntry(false, client));
                for (var i = 0; i < 5; i++)
                {
                    list.Add(new Ipv4AclEntry(true, client));
                }
                writerStarted.TrySetResult();
            }
        });
        await writerStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        const int evaluations = 200_000;
        var permitted = 0;
        for (var i = 0; i < evaluations; i++)
        {
            var entries = list.Entries;
            Assert.True(entries.IsEmpty || (!entries[0].Permit && entries.Skip(1).All(e => e.Permit)),
                "a reader saw a half-made list");
            if (list.Permits(client))
            {
                permitted++;
            }
        }
        readerDone.Cancel();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(permitted < evaluations, "the reader never saw a non-empty list");
        Assert.False(list.Permits(client));
    }
}
