using System.Net;
using Quill.Core.Acl;

namespace Quill.Core.Tests.Acl;

/// <summary>Builds a small legacy GeoIP country database file: prefixes mapped to countries, broader ones first.</summary>
internal sealed class GeoIpDatabaseBuilder
{
    private readonly List<int[]> _nodes = [[GeoIpCountryDatabase.CountryBegin, GeoIpCountryDatabase.CountryBegin]];

    public GeoIpDatabaseBuilder Add(string prefix, string country)
    {
        var parts = prefix.Split('/');
        var bytes = IPAddress.Parse(parts[0]).GetAddressBytes();
        var length = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var leaf = GeoIpCountryDatabase.CountryBegin + GeoIpCountryCodes.IndexOf(country);
        var node = 0;
        for (var bit = 0; bit < length; bit++)
        {
            var right = (bytes[bit / 8] >> (7 - bit % 8)) & 1;
            if (bit == length - 1)
            {
                _nodes[node][right] = leaf;
                break;
            }
            if (_nodes[node][right] >= GeoIpCountryDatabase.CountryBegin)
            {
                var inherited = _nodes[node][right];
                _nodes.Add([inherited, inherited]);
                _nodes[node][right] = _nodes.Count - 1;
            }
            node = _nodes[node][right];
        }
        return this;
    }

    public void Write(string path, byte edition) => File.WriteAllBytes(path, Bytes(edition));

    /// <summary>The file's contents: the tree, then the structure info (three 0xFF bytes and the edition).</summary>
    public byte[] Bytes(byte edition)
    {
        var file = new List<byte>();
        foreach (var node in _nodes)
        {
            foreach (var record in node) file.AddRange([(byte)record, (byte)(record >> 8), (byte)(record >> 16)]);
        }
        file.AddRange([0xFF, 0xFF, 0xFF, edition]);
        return [.. file];
    }
}
