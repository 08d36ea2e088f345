using System.Net;

namespace Quill.Core.Acl;

/// <summary>
/// The country lookup the ACLs hold from the start; the database behind it is chosen once the -o and -F commands
/// (geoip_path) have run, so it is set after the ACLs exist. Until then nothing matches a country.
/// </summary>
public sealed class CountryLookup
{
    private volatile Func<IPAddress, string?> _database = AccessLists.NoCountryDatabase;

    public void Use(Func<IPAddress, string?> database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public string? CountryOf(IPAddress address) => _database(address);
}
