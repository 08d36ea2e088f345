namespace Quill.Core.Configuration;

/// <summary>
/// Reads service names (and their aliases) from an /etc/services style file, the way getservbyname does:
/// the first entry for a name and protocol wins.
/// </summary>
public static class EtcServices
{
    public const string DefaultPath = "/etc/services";

    /// <summary>A lookup for <paramref name="protocol"/> ("tcp" or "udp"); a missing file gives a lookup that knows no names.</summary>
    public static Func<string, int?> Load(string path, string protocol)
    {
        var ports = File.Exists(path) ? Parse(File.ReadLines(path), protocol) : new Dictionary<string, int>();
        return name => ports.TryGetValue(name, out var port) ? port : null;
    }

    internal static Dictionary<string, int> Parse(IEnumerable<string> lines, string protocol)
    {
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var fields = (hash < 0 ? line : line[..hash]).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || !TryReadPortAndProtocol(fields[1], out var port, out var entryProtocol)
                || !string.Equals(entryProtocol, protocol, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var name in fields.Where((_, i) => i != 1))
            {
                ports.TryAdd(name, port);
            }
        }

        return ports;
    }

    private static bool TryReadPortAndProtocol(string field, out int port, out string protocol)
    {
        var slash = field.IndexOf('/', StringComparison.Ordinal);
        protocol = slash < 0 ? "" : field[(slash + 1)..];
        port = 0;
        return slash > 0 && WholeNumber.TryParse(field[..slash], out port);
    }
}
