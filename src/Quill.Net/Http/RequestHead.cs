namespace Quill.Net.Http;

/// <summary>What the forwarder needs to know about one complete request head: how its body is framed and whether the
/// connection leaves HTTP after it. Parsed from the head bytes without copying them.</summary>
internal readonly record struct RequestHead(BodyFraming Framing, long ContentLength, bool LeavesHttp)
{
    /// <summary>Framing problems that let a request be read two ways (request smuggling) are refused, as are header
    /// lines that are not <c>name: value</c> and obsolete line folding.</summary>
    /// <param name="head">The request line, the header lines and the empty line that ends them.</param>
    public static bool TryParse(ReadOnlySpan<byte> head, out RequestHead parsed)
    {
        parsed = default;
        var lineEnd = head.IndexOf((byte)'\n');
        var requestLine = HttpSyntax.WithoutLineEnd(head[..(lineEnd + 1)]);
        var isConnect = requestLine.StartsWith("CONNECT "u8);
        var rest = head[(lineEnd + 1)..];

        long? contentLength = null;
        var chunked = false;
        var hasTransferEncoding = false;
        var hasUpgrade = false;
        var connectionUpgrade = false;
        while (true)
        {
            lineEnd = rest.IndexOf((byte)'\n');
            var line = HttpSyntax.WithoutLineEnd(rest[..(lineEnd + 1)]);
            rest = rest[(lineEnd + 1)..];
            if (line.IsEmpty) break;
            if (!HeaderLine.TryParse(line, out var name, out var value)) return false;

            if (name.EqualsOrdinalIgnoreCase("Content-Length"u8))
            {
                if (!TryParseLength(value, out var length) || (contentLength is { } seen && seen != length)) return false;
                contentLength = length;
            }
            else if (name.EqualsOrdinalIgnoreCase("Transfer-Encoding"u8))
            {
                hasTransferEncoding = true;
                // The final coding decides how the body ends; a later header line continues the same list.
                var last = value.LastIndexOf((byte)',');
                chunked = HttpSyntax.TrimWhitespace(value[(last + 1)..]).EqualsOrdinalIgnoreCase("chunked"u8);
            }
            else if (name.EqualsOrdinalIgnoreCase("Upgrade"u8))
            {
                hasUpgrade = true;
            }
            else if (name.EqualsOrdinalIgnoreCase("Connection"u8))
            {
                connectionUpgrade |= HeaderLine.ListContains(value, "upgrade"u8);
            }
        }

        // A request body whose end the server cannot know, or two framings at once: refuse rather than guess.
        if (hasTransferEncoding && (!chunked || contentLength is not null)) return false;

        var framing = chunked ? BodyFraming.Chunked : contentLength > 0 ? BodyFraming.ContentLength : BodyFraming.None;
        parsed = new RequestHead(framing, contentLength ?? 0, isConnect || (hasUpgrade && connectionUpgrade));
        return true;
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18) return false;
        foreach (var b in value)
        {
            if (!char.IsAsciiDigit((char)b)) return false;
            length = length * 10 + (b - '0');
        }
        return true;
    }
}

/// <summary>How the end of a request body is found.</summary>
internal enum BodyFraming { None, ContentLength, Chunked }
