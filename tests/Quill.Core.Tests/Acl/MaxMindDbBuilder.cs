using System.Net;
using System.Text;

namespace Quill.Core.Tests.Acl;

/// <summary>
/// Writes small MaxMind DB files for the tests, following the published format: a search tree with records of the
/// chosen size, 16 zero bytes, the data section (each record a map with a geoname_id, a names map, an array and the
/// country; keys after the first use pointers), then the marker and the metadata map.
/// </summary>
internal sealed class MaxMindDbBuilder(int recordSize = 24, int ipVersion = 6)
{
    private sealed class Node
    {
        public object? Left;
        public object? Right;
    }

    private readonly Node _root = new();
    private readonly List<byte> _data = [];
    private readonly Dictionary<string, int> _strings = [];
    private readonly Dictionary<string, int> _records = [];

    /// <summary>Maps a network to a country; IPv4 networks go under ::/96 in an IPv6 tree.</summary>
    public MaxMindDbBuilder Add(string cidr, string country, bool registeredOnly = false)
    {
        var (text, length) = (cidr.Split('/')[0], int.Parse(cidr.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture));
        var bytes = IPAddress.Parse(text).GetAddressBytes();
        if (bytes.Length == 4 && ipVersion == 6)
        {
            bytes = [.. new byte[12], .. bytes];
            length += 96;
        }
        var key = (registeredOnly ? "r:" : "c:") + country;
        if (!_records.TryGetValue(key, out var offset))
        {
            offset = _data.Count;
            _records[key] = offset;
            WriteRecord(country, registeredOnly);
        }

        var node = _root;
        for (var bit = 0; bit < length; bit++)
        {
            var right = (bytes[bit / 8] >> (7 - bit % 8) & 1) == 1;
            if (bit == length - 1)
            {
                if (right) node.Right = offset;
                else node.Left = offset;
                break;
            }
            // A more specific network inside one already mapped: the wider network's record goes down both sides.
            var slot = right ? node.Right : node.Left;
            var next = slot as Node ?? new Node { Left = slot, Right = slot };
            if (right) node.Right = next;
            else node.Left = next;
            node = next;
        }
        return this;
    }

    public byte[] Build()
    {
        var nodes = new List<Node>();
        var queue = new Queue<Node>([_root]);
        while (queue.TryDequeue(out var node))
        {
            nodes.Add(node);
            if (node.Left is Node left) queue.Enqueue(left);
            if (node.Right is Node right) queue.Enqueue(right);
        }
        var index = nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        long Value(object? record) => record switch
        {
            Node child => index[child],
            int offset => nodes.Count + 16 + offset,
            _ => nodes.Count,
        };

        var file = new List<byte>();
        foreach (var node in nodes) file.AddRange(NodeBytes(Value(node.Left), Value(node.Right)));
        file.AddRange(new byte[16]);
        file.AddRange(_data);
        file.AddRange([0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8]);
        var metadata = new List<byte>();
        Map(metadata, 9);
        Text(metadata, "node_count"); Unsigned(metadata, 6, (ulong)nodes.Count);
        Text(metadata, "record_size"); Unsigned(metadata, 5, (ulong)recordSize);
        Text(metadata, "ip_version"); Unsigned(metadata, 5, (ulong)ipVersion);
        Text(metadata, "database_type"); Text(metadata, "Quill-Test-Country");
        Text(metadata, "binary_format_major_version"); Unsigned(metadata, 5, 2);
        Text(metadata, "binary_format_minor_version"); Unsigned(metadata, 5, 0);
        Text(metadata, "build_epoch"); Unsigned(metadata, 9, 1_700_000_000);
        Text(metadata, "languages"); Control(metadata, 0, 1, extendedType: 11); Text(metadata, "en");
        Text(metadata, "description"); Map(metadata, 1); Text(metadata, "en"); Text(metadata, "quill test countries");
        file.AddRange(metadata);
        return [.. file];
    }

    private byte[] NodeBytes(long left, long right) => recordSize switch
    {
        24 => [(byte)(left >> 16), (byte)(left >> 8), (byte)left, (byte)(right >> 16), (byte)(right >> 8), (byte)right],
        28 => [(byte)(left >> 16), (byte)(left >> 8), (byte)left, (byte)((left >> 20 & 0xF0) | (right >> 24 & 0x0F)),
            (byte)(right >> 16), (byte)(right >> 8), (byte)right],
        _ => [(byte)(left >> 24), (byte)(left >> 16), (byte)(left >> 8), (byte)left,
            (byte)(right >> 24), (byte)(right >> 16), (byte)(right >> 8), (byte)right],
    };

    private void WriteRecord(string country, bool registeredOnly)
    {
        Map(_data, 4);
        Key("geoname_id"); Unsigned(_data, 6, 3017382);
        Key("names"); Map(_data, 2); Key("en"); Text(_data, "Somewhere"); Key("de"); Text(_data, new string('x', 40));
        Key("languages"); Control(_data, 0, 2, extendedType: 11); Text(_data, "en"); Unsigned(_data, 5, 7);
        Key(registeredOnly ? "registered_country" : "country");
        Map(_data, 2); Key("is_in_european_union"); Control(_data, 0, 1, extendedType: 14); Key("iso_code"); Text(_data, country);
    }

    /// <summary>A map key: the string the first time, a pointer to it afterwards.</summary>
    private void Key(string key)
    {
        if (_strings.TryGetValue(key, out var at))
        {
            _data.AddRange([(byte)(0x20 | (at >> 8 & 0x07)), (byte)at]);
            return;
        }
        _strings[key] = _data.Count;
        Text(_data, key);
    }

    private static void Map(List<byte> output, int pairs) => Control(output, 7, pairs);

    private static void Text(List<byte> output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Control(output, 2, bytes.Length);
        output.AddRange(bytes);
    }

    private static void Unsigned(List<byte> output, int type, ulong value)
    {
        var bytes = new List<byte>();
        for (var v = value; v != 0; v >>= 8) bytes.Insert(0, (byte)v);
        if (type > 7) Control(output, 0, bytes.Count, extendedType: type);
        else Control(output, type, bytes.Count);
        output.AddRange(bytes);
    }

    private static void Control(List<byte> output, int type, int size, int extendedType = 0)
    {
        var sizeBits = size < 29 ? size : size < 285 ? 29 : 30;
        output.Add((byte)(type << 5 | sizeBits));
        if (type == 0) output.Add((byte)(extendedType - 7));
        if (sizeBits == 29) output.Add((byte)(size - 29));
        if (sizeBits == 30) output.AddRange([(byte)((size - 285) >> 8), (byte)(size - 285)]);
    }
}
