namespace Quill.Net.Http;

/// <summary>The few RFC 9110 character classes the request parser needs.</summary>
internal static class HttpSyntax
{
    /// <summary>tchar: the characters of methods and header names.</summary>
    public static bool IsTokenChar(byte b) =>
        char.IsAsciiLetterOrDigit((char)b) || "!#$%&'*+-.^_`|~"u8.Contains(b);

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>No control character but HTAB (RFC 9110 5.5: NUL, CR and LF in a value are "invalid and dangerous").</summary>
    public static bool IsFieldValue(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F) return false;
        }
        return true;
    }

    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length && IsWhitespace(value[start])) start++;
        var end = value.Length;
        while (end > start && IsWhitespace(value[end - 1])) end--;
        return value[start..end];
    }

    /// <summary>The line without its LF and an optional CR before it.</summary>
    public static ReadOnlySpan<byte> WithoutLineEnd(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\n') line = line[..^1];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        return line;
    }
}
