using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Quill.Core.Acl;

/// <summary>
/// A MaxMind DB (.mmdb) country database (GeoLite2-Country, GeoIP2-Country, DB-IP and others in that format), read
/// whole into memory. The file is a binary search tree over the address bits (records of 24, 28 or 32 bits), 16 zero
/// bytes, a data section of typed values, and at the end a marker followed by the metadata map. An address's country
/// is <c>country.iso_code</c> of the record the tree leads to, or <c>registered_country.iso_code</c> when the record
/// has no country (as for some anycast and satellite networks).
/// </summary>
public sealed class MaxMindCountryDatabase
{
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];
    private const int DataSeparator = 16;

    private readonly byte[] _file;
    private readonly int _nodeCount;
    private readonly int _recordSize;
    private readonly int _treeSize;
    private readonly int _ipv4Start;
    private readonly bool _ipv6;
    // A country database has a few thousand distinct records; decoding each once keeps a lookup to the tree walk.
    private readonly ConcurrentDictionary<int, string?> _countries = new();

    private MaxMindCountryDatabase(byte[] file, int nodeCount, int recordSize, bool ipv6)
    {
        _file = file;
        _nodeCount = nodeCount;
        _recordSize = recordSize;
        _treeSize = recordSize * 2 / 8 * nodeCount;
        _ipv6 = ipv6;
        _ipv4Start = ipv6 ? Ipv4Start() : 0;
    }

    /// <exception cref="ArgumentException">A file that cannot be read or is not a usable MaxMind DB; one line naming it.</exception>
    public static MaxMindCountryDatabase Open(string path)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read GeoIP database '{path}': {e.Message.ReplaceLineEndings(" ")}");
        }
        return Parse(file, path);
    }

    /// <param name="name">The file's name, for error messages.</param>
    public static MaxMindCountryDatabase Parse(byte[] file, string name)
    {
        ArgumentNullException.ThrowIfNull(file);
        var marker = file.AsSpan().LastIndexOf(MetadataMarker);
        if (marker < 0) throw new ArgumentException($"'{name}' is not a MaxMind DB file (no metadata marker)");
        var metadataStart = marker + MetadataMarker.Length;
        try
        {
            var metadata = new MaxMindDataReader(file, metadataStart).Read(metadataStart) as Dictionary<string, object?>
                ?? throw new FormatException("metadata is not a map");
            var nodeCount = Whole(metadata, "node_count");
            var recordSize = Whole(metadata, "record_size");
            var ipVersion = Whole(metadata, "ip_version");
            if (recordSize is not (24 or 28 or 32)) throw new FormatException($"record size {recordSize}");
            if (ipVersion is not (4 or 6)) throw new FormatException($"IP version {ipVersion}");
            if ((long)recordSize * 2 / 8 * nodeCount + DataSeparator > marker) throw new FormatException("search tree larger than the file");
            return new MaxMindCountryDatabase(file, (int)nodeCount, (int)recordSize, ipVersion == 6);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidCastException)
        {
            throw new ArgumentException($"'{name}' is not a usable MaxMind DB file: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>The two-letter country of the address, or null when unknown. Never throws.</summary>
    public string? CountryOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written)) return null;
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !_ipv6) return null;
        var node = address.AddressFamily == AddressFamily.InterNetwork ? _ipv4Start : 0;
        for (var bit = 0; bit < written * 8 && node < _nodeCount; bit++)
        {
            node = Record(node, (bytes[bit / 8] >> (7 - bit % 8)) & 1);
        }
        if (node <= _nodeCount) return null;
        var offset = _treeSize + node - _nodeCount;
        if (offset >= _file.Length) return null;
        return _countries.GetOrAdd(offset, Country);
    }

    /// <summary>One of the two records of a node: 24 bits are 3 + 3 bytes; 28 bits share the middle byte's nibbles,
    /// high for the left record and low for the right; 32 bits are 4 + 4 bytes; all big-endian.</summary>
    internal static int ReadRecord(ReadOnlySpan<byte> node, int recordSize, int right)
    {
        switch (recordSize)
        {
            case 24:
                var at = right * 3;
                return node[at] << 16 | node[at + 1] << 8 | node[at + 2];
            case 28:
                return right == 0
                    ? (node[3] & 0xF0) << 20 | node[0] << 16 | node[1] << 8 | node[2]
                    : (node[3] & 0x0F) << 24 | node[4] << 16 | node[5] << 8 | node[6];
            default:
                return (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(node[(right * 4)..]), int.MaxValue);
        }
    }

    private int Record(int node, int right)
    {
        var size = _recordSize * 2 / 8;
        var at = node * size;
        return ReadRecord(_file.AsSpan(at, size), _recordSize, right);
    }

    /// <summary>IPv4 addresses live under ::/96 of an IPv6 tree: the node after 96 zero bits.</summary>
    private int Ipv4Start()
    {
        var node = 0;
        for (var i = 0; i < 96 && node < _nodeCount; i++) node = Record(node, 0);
        return node;
    }

    private string? Country(int offset)
    {
        try
        {
            var dataStart = _treeSize + DataSeparator;
            if (new MaxMindDataReader(_file, dataStart).Read(offset) is not Dictionary<string, object?> record) return null;
            return IsoCode(record, "country") ?? IsoCode(record, "registered_country");
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string? IsoCode(Dictionary<string, object?> record, string key) =>
        record.GetValueOrDefault(key) is Dictionary<string, object?> country && country.GetValueOrDefault("iso_code") is string code
            ? code
            : null;

    private static long Whole(Dictionary<string, object?> metadata, string key) =>
        metadata.GetValueOrDefault(key) switch
        {
            ulong value when value <= int.MaxValue => (long)value,
            int value when value >= 0 => value,
            _ => throw new FormatException($"metadata has no usable '{key}'"),
        };
}
