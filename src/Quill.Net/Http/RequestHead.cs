namespace Quill.Net.Http;

/// <summary>What the forwarder needs to know about one complete request head: how its body is framed and whether the
/// connection leaves HTTP after it. Parsed from the head bytes without copying them.</summary>
internal readonly record struct RequestHead(BodyFraming Framing, long ContentLength, bool LeavesHttp)
{
    /// <summary>Framing problems that let a request be read two ways (request smuggling) are refused, as are header
    /// lines that are not <c>name: value</c> (a space before the colon, obsolete line folding), control characters in a
    /// value (NUL, a bare CR), and line endings that change within the head (a bare LF among CRLF lines, where a server
    /// that knows only CRLF would see one line and quill two).</summary>
    /// <param name="head">The request line, the header lines and the empty line that ends them.</param>
    public static bool TryParse(ReadOnlySpan<byte> head, out RequestHead parsed)
    {
        parsed = default;
        var lineEnd = head.IndexOf((byte)'\n');
        var requestLine = HttpSyntax.WithoutLineEnd(head[..(lineEnd + 1)]);
        var isConnect = requestLine.StartsWith("CONNECT "u8);
        var crlf = requestLine.Length < lineEnd;
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
            if (line.Length < lineEnd != crlf) return false;
            if (line.IsEmpty) break;
            if (!HeaderLine.TryParse(line, out var name, out var value) || !HttpSyntax.IsFieldValue(value)) return false;

            if (name.EqualsOrdinalIgnoreCase("Content-Length"u8))
            {
                // A second one is refused even with the same value (RFC 9110 8.6 allows that): it is never needed, and
                // passed on as two lines it would leave the choice to the server.
                if (contentLength is not null || !TryParseLength(value, out var length)) return false;
                contentLength = length;
            }
            else if (name.EqualsOrdinalIgnoreCase("Transfer-Encoding"u8))
            {
                // The final coding decides how the body ends; a later header line continues the same list, and chunked
                // anywhere but last (twice, or before another coding) is refused.
                foreach (var coding in value.Split((byte)','))
                {
                    if (chunked) return false;
                    chunked = HttpSyntax.TrimWhitespace(value[coding]).EqualsOrdinalIgnoreCase("chunked"u8);
                }
                hasTransferEncoding = true;
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

        // A request body whose end the server cannot know, two framings at once, or a Transfer-Encoding that HTTP/1.0
        // does not have (RFC 9112 6.1: its framing is faulty): refuse rather than guess.
        if (hasTransferEncoding && (!chunked || contentLength is not null || requestLine.EndsWith("HTTP/1.0"u8))) return false;

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
