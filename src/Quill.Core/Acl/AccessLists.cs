using System.Net;

namespace Quill.Core.Acl;

/// <summary>pen's ten access lists, 0..9, used by client_acl, control_acl, tarpit_acl and each server's acl.</summary>
public sealed class AccessLists
{
    public const int Count = 10;

    private readonly AccessList[] _lists;

    /// <param name="countryOf">
    /// Two-letter country of a client address, or null when unknown. The default is "no database",
    /// under which country entries never match, as in pen without GeoIP data. It must not throw.
    /// </param>
    public AccessLists(Func<IPAddress, string?>? countryOf = null)
    {
        countryOf ??= NoCountryDatabase;
        _lists = new AccessList[Count];
        for (var number = 0; number < Count; number++)
        {
            _lists[number] = new AccessList(number, countryOf);
        }
    }

    public static Func<IPAddress, string?> NoCountryDatabase { get; } = _ => null;

    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="number"/> is not 0..9.</exception>
    public AccessList this[int number]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(number);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(number, Count);
            return _lists[number];
        }
    }

    /// <summary>Evaluates ACL <paramref name="aclNumber"/>; a number outside 0..9 denies, as in pen.</summary>
    public bool Permits(int aclNumber, IPAddress? client) =>
        aclNumber is >= 0 and < Count && _lists[aclNumber].Permits(client);

    public void Apply(AclChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var list = this[change.AclNumber];
        if (change.Entry is null)
        {
            list.Clear();
        }
        else
        {
            list.Add(change.Entry);
        }
    }

    /// <summary>The ACL part of `write`: every list in order, each starting with `no acl N`.</summary>
    public IEnumerable<string> ToCommands() => _lists.SelectMany(list => list.ToCommands());
}
