using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Quill.Core.Acl;

/// <summary>
/// One numbered access list. Readers never lock: a change publishes a new array and an evaluation
/// works on whichever array it read first, so a control command can edit the list while clients are checked.
/// </summary>
public sealed class AccessList
{
    private readonly Func<IPAddress, string?> _countryOf;
    private readonly Lock _writeLock = new();
    private AclEntry[] _entries = [];

    internal AccessList(int number, Func<IPAddress, string?> countryOf)
    {
        Number = number;
        _countryOf = countryOf;
    }

    public int Number { get; }

    public ImmutableArray<AclEntry> Entries => ImmutableCollectionsMarshal.AsImmutableArray(Volatile.Read(ref _entries));

    public void Add(AclEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_writeLock)
        {
            AclEntry[] grown = [.. _entries, entry];
            Volatile.Write(ref _entries, grown);
        }
    }

    public void Clear()
    {
        lock (_writeLock)
        {
            Volatile.Write(ref _entries, []);
        }
    }

    /// <summary>
    /// pen's rules: the first entry of the client's family (or a country entry) that matches decides;
    /// when none matches, the answer is the opposite of the last entry, whatever its type; an empty list permits.
    /// </summary>
    /// <param name="client">Null for a unix-socket client, which is always permitted.</param>
    public bool Permits(IPAddress? client)
    {
        if (client is null)
        {
            return true;
        }
        var entries = Volatile.Read(ref _entries);
        if (entries.Length == 0)
        {
            return true;
        }
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }
        var isIpv4 = client.AddressFamily == AddressFamily.InterNetwork;
        var isIpv6 = client.AddressFamily == AddressFamily.InterNetworkV6;
        var ipv4 = isIpv4 ? Ipv4AclEntry.ToUInt32(client) : 0;
        var ipv6 = isIpv6 ? Ipv6AclEntry.ToUInt128(client) : UInt128.Zero;
        string? country = null;
        var countryLookedUp = false;

        foreach (var entry in entries)
        {
            bool matches;
            switch (entry)
            {
                case Ipv4AclEntry v4:
                    matches = isIpv4 && v4.Matches(ipv4);
                    break;
                case Ipv6AclEntry v6:
                    matches = isIpv6 && v6.Matches(ipv6);
                    break;
                case CountryAclEntry cc:
                    // The lookup may be a database search: at most once per evaluation, as in pen.
                    if (!countryLookedUp)
                    {
                        country = _countryOf(client);
                        countryLookedUp = true;
                    }
                    matches = cc.Matches(country);
                    break;
                default:
                    matches = false;
                    break;
            }
            if (matches)
            {
                return entry.Permit;
            }
        }
        return !entries[^1].Permit;
    }

    /// <summary>The `write` lines: `no acl N`, then one line per entry, so reloading the file replaces the list.</summary>
    public IEnumerable<string> ToCommands()
    {
        var entries = Volatile.Read(ref _entries);
        yield return string.Create(CultureInfo.InvariantCulture, $"no acl {Number}");
        foreach (var entry in entries)
        {
            yield return entry.ToCommand(Number);
        }
    }
}
