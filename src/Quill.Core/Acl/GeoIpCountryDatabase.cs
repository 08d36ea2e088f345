using System.Net;
using System.Net.Sockets;

namespace Quill.Core.Acl;

/// <summary>
/// The legacy GeoIP country databases pen reads (Debian's geoip-database: GeoIP.dat for IPv4, GeoIPv6.dat for IPv6),
/// held in memory as pen's "memory cache" mode does. A binary tree over the address bits: each node is two 3-byte
/// little-endian records, and a record at or above <see cref="CountryBegin"/> is a country number.
/// Gives <see cref="AccessLists"/> its country lookup: <c>new AccessLists(database.CountryOf)</c>.
/// By hand for pen compatibility: pen reads these files, and nothing maintains a reader of the legacy format any more
/// (MaxMind retired it; .mmdb files go to MaxMind's own reader, <see cref="MaxMindCountryDatabase"/>).
/// </summary>
public sealed class GeoIpCountryDatabase
{
    public const string DefaultIpv4Path = "/usr/share/GeoIP/GeoIP.dat";
    public const string DefaultIpv6Path = "/usr/share/GeoIP/GeoIPv6.dat";

    internal const int CountryBegin = 16776960;
    internal const byte CountryEdition = 1;
    internal const byte CountryV6Edition = 12;
    private const int RecordLength = 3;
    private const int MaxStructureInfoSearch = 20;

    private readonly byte[]? _ipv4;
    private readonly byte[]? _ipv6;

    private GeoIpCountryDatabase(byte[]? ipv4, byte[]? ipv6)
    {
        _ipv4 = ipv4;
        _ipv6 = ipv6;
    }

    /// <summary>Opens whichever of the two files exist; a missing file means its family never matches, as in pen.</summary>
    /// <exception cref="ArgumentException">A file that exists but is not a GeoIP country database; one line naming it.</exception>
    public static GeoIpCountryDatabase Open(string? ipv4Path = DefaultIpv4Path, string? ipv6Path = DefaultIpv6Path) =>
        new(Load(ipv4Path, CountryEdition), Load(ipv6Path, CountryV6Edition));

    /// <summary>The two-letter country of the address, or null when unknown. Never throws.</summary>
    public string? CountryOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written)) return null;
        var tree = address.AddressFamily == AddressFamily.InterNetwork ? _ipv4 : _ipv6;
        return tree is null ? null : Lookup(tree, bytes[..written]);
    }

    private static string? Lookup(byte[] tree, ReadOnlySpan<byte> address)
    {
        var node = 0;
        for (var bit = 0; bit < address.Length * 8; bit++)
        {
            var right = (address[bit / 8] >> (7 - bit % 8)) & 1;
            var at = (node * 2 + right) * RecordLength;
            if (at + RecordLength > tree.Length) return null;
            var record = tree[at] | tree[at + 1] << 8 | tree[at + 2] << 16;
            if (record >= CountryBegin) return GeoIpCountryCodes.Code(record - CountryBegin);
            node = record;
        }
        return null;
    }

    private static byte[]? Load(string? path, byte expectedEdition)
    {
        if (path is null || !File.Exists(path)) return null;
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read GeoIP database '{path}': {e.Message}");
        }
        return Tree(data, expectedEdition, path);
    }

    /// <summary>A database from file contents already read (the fuzz tests feed it bytes).</summary>
    /// <param name="name">The file's name, for error messages.</param>
    internal static GeoIpCountryDatabase Parse(byte[]? ipv4, byte[]? ipv6, string name) =>
        new(ipv4 is null ? null : Tree(ipv4, CountryEdition, name), ipv6 is null ? null : Tree(ipv6, CountryV6Edition, name));

    private static byte[] Tree(byte[] data, byte expectedEdition, string path)
    {
        var (edition, treeLength) = StructureInfo(data);
        if (edition != expectedEdition)
            throw new ArgumentException($"'{path}' is not a GeoIP {(expectedEdition == CountryEdition ? "IPv4" : "IPv6")} country database (edition {edition})");
        // Only the tree: a record pointing past it (a damaged file) then ends the lookup instead of reading the trailer.
        return data[..treeLength];
    }

    /// <summary>The edition byte after the three 0xFF bytes near the end, and where they start; a file without them is
    /// a country database that is all tree.</summary>
    private static (int Edition, int TreeLength) StructureInfo(byte[] data)
    {
        for (var back = 0; back < MaxStructureInfoSearch && data.Length - 4 - back >= 0; back++)
        {
            var at = data.Length - 4 - back;
            if (data[at] == 0xFF && data[at + 1] == 0xFF && data[at + 2] == 0xFF)
                return (data[at + 3] >= 106 ? data[at + 3] - 105 : data[at + 3], at);
        }
        return (CountryEdition, data.Length);
    }
}
