using System.Net;

namespace Quill.Core.Acl;

/// <summary>
/// geoip_path: where country ACL entries look addresses up. A file is a MaxMind DB (.mmdb, both address families);
/// a directory holds GeoIP2-Country.mmdb or GeoLite2-Country.mmdb (first found), else pen's legacy GeoIP.dat and
/// GeoIPv6.dat. Without a path, pen's legacy files in /usr/share/GeoIP, where a missing file never matches.
/// </summary>
public static class CountryDatabases
{
    private static readonly string[] MaxMindNames = ["GeoIP2-Country.mmdb", "GeoLite2-Country.mmdb"];
    private const string LegacyIpv4 = "GeoIP.dat";
    private const string LegacyIpv6 = "GeoIPv6.dat";

    /// <exception cref="ArgumentException">A path with no database, or a database that cannot be read; one line naming it.</exception>
    public static Func<IPAddress, string?> Open(string? path)
    {
        if (path is null) return GeoIpCountryDatabase.Open().CountryOf;
        if (File.Exists(path)) return MaxMindCountryDatabase.Open(path).CountryOf;
        if (!Directory.Exists(path)) throw new ArgumentException($"geoip_path: no such file or directory '{path}'");
        foreach (var name in MaxMindNames)
        {
            var file = Path.Combine(path, name);
            if (File.Exists(file)) return MaxMindCountryDatabase.Open(file).CountryOf;
        }
        var (ipv4, ipv6) = (Path.Combine(path, LegacyIpv4), Path.Combine(path, LegacyIpv6));
        if (!File.Exists(ipv4) && !File.Exists(ipv6))
            throw new ArgumentException(
                $"geoip_path: no {string.Join(", ", MaxMindNames)}, {LegacyIpv4} or {LegacyIpv6} in '{path}'");
        return GeoIpCountryDatabase.Open(ipv4, ipv6).CountryOf;
    }
}
