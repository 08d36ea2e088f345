namespace Quill.Net.Http;

/// <summary>One <c>name: value</c> header line.</summary>
internal static class HeaderLine
{
    /// <param name="line">The line without its line ending.</param>
    /// <param name="value">The value without surrounding whitespace.</param>
    public static bool TryParse(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var colon = line.IndexOf((byte)':');
        name = colon > 0 ? line[..colon] : default;
        value = colon > 0 ? HttpSyntax.TrimWhitespace(line[(colon + 1)..]) : default;
        if (colon <= 0) return false;
        foreach (var b in name)
        {
            if (!HttpSyntax.IsTokenChar(b)) return false;
        }
        return true;
    }

    public static bool IsNamed(ReadOnlySpan<byte> line, ReadOnlySpan<byte> headerName) =>
        line.Length > headerName.Length && line[headerName.Length] == (byte)':'
        && line[..headerName.Length].EqualsOrdinalIgnoreCase(headerName);

    /// <summary>Whether a comma-separated list such as Connection's contains <paramref name="token"/>.</summary>
    public static bool ListContains(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (var range in list.Split((byte)','))
        {
            if (HttpSyntax.TrimWhitespace(list[range]).EqualsOrdinalIgnoreCase(token)) return true;
        }
        return false;
    }
}
