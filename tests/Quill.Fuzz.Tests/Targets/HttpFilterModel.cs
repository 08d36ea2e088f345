using System.Text;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>
/// An independent model of the -H filter's policy (HttpRequestFilter's opening comment), written over the whole
/// stream at once rather than as it arrives: what the server must receive for a given client stream.
/// <list type="bullet">
/// <item>Empty lines before a request pass. A first request line that is not <c>METHOD SP target SP HTTP/1.d</c>
/// passes the whole connection untouched; a later one stops it. One that is, bent only by whitespace (two spaces
/// between parts, spaces or tabs after the version), stops it wherever it is.</item>
/// <item>A head (request line to the empty line) longer than 64 KiB, a header line that is not <c>token: value</c> or
/// whose value holds a control character but HTAB, a line ending (CRLF or LF) other than the request line's, a second
/// Content-Length, Transfer-Encoding not ending in chunked, with chunked before its last coding, with Content-Length
/// or in HTTP/1.0: stop.</item>
/// <item>Each request gets the client's address appended to its last X-Forwarded-For (or a new one before the empty
/// line), its X-Forwarded-Proto lines replaced by quill's; its body passes byte for byte; a chunked body's lines
/// end in CRLF, extensions and trailers hold no control character but HTAB, and a broken one passes up to the
/// offending byte, then stops.</item>
/// <item>After CONNECT, or Upgrade with Connection: upgrade, the rest passes untouched. A head cut by the end of the
/// stream passes as it came.</item>
/// </list>
/// "Stop" means nothing from there on reaches the server.
/// </summary>
internal static class HttpFilterModel
{
    private const int MaxHead = 64 * 1024;
    private const int MaxSizeDigits = 15;
    private const int MaxSizeLine = 4096;
    private const int MaxTrailer = 64 * 1024;

    public static (byte[] Output, bool Stopped) Forward(byte[] input, string address)
    {
        var output = new List<byte>();
        var pos = 0;
        var sawRequest = false;
        while (pos < input.Length)
        {
            while (pos < input.Length && input[pos] is (byte)'\r' or (byte)'\n') output.Add(input[pos++]);
            if (pos == input.Length) break;

            var start = pos;
            var window = Math.Min(input.Length, start + MaxHead);
            var lineEnd = RequestLineEnd(input, start, window, out var notHttp, out var bent);
            if (bent && lineEnd >= 0) return (output.ToArray(), true);
            if (notHttp)
            {
                if (sawRequest) return (output.ToArray(), true);
                output.AddRange(input[start..]);
                return (output.ToArray(), false);
            }
            var headEnd = lineEnd < 0 ? -1 : HeadEnd(input, lineEnd, window);
            if (headEnd < 0)
            {
                if (window < input.Length) return (output.ToArray(), true);
                output.AddRange(input[start..]);
                return (output.ToArray(), false);
            }

            var head = input[start..headEnd];
            if (!TryParse(head, out var length, out var chunked, out var leavesHttp)) return (output.ToArray(), true);
            sawRequest = true;
            output.AddRange(Rewrite(head, address));
            pos = headEnd;

            if (chunked)
            {
                var end = ChunkedEnd(input, pos, out var invalid);
                output.AddRange(input[pos..end]);
                if (invalid) return (output.ToArray(), true);
                pos = end;
            }
            else
            {
                var end = (int)Math.Min(input.Length, pos + length);
                output.AddRange(input[pos..end]);
                pos = end;
            }
            if (leavesHttp)
            {
                output.AddRange(input[pos..]);
                return (output.ToArray(), false);
            }
        }
        return (output.ToArray(), false);
    }

    private static bool IsToken(byte b) => char.IsAsciiLetterOrDigit((char)b) || "!#$%&'*+-.^_`|~".Contains((char)b, StringComparison.Ordinal);

    /// <summary>Index after the request line's LF; -1 when the window ends first; notHttp when a byte breaks the grammar;
    /// bent when there was extra whitespace (which counts only if the line is otherwise whole).</summary>
    private static int RequestLineEnd(byte[] input, int start, int window, out bool notHttp, out bool bent)
    {
        notHttp = false;
        bent = false;
        var i = start;
        int? Next() => i < window ? input[i++] : null;

        for (var method = 0; ; method++)
        {
            if (Next() is not { } b) return -1;
            if (b == ' ' && method > 0) break;
            if (!IsToken((byte)b) || method == 32) return Bad(out notHttp);
        }
        for (var target = 0; ; )
        {
            if (Next() is not { } b) return -1;
            if (b == ' ' && target == 0) bent = true;
            else if (b == ' ') break;
            else if (b <= 0x20 || b == 0x7F) return Bad(out notHttp);
            else target++;
        }
        var version = "HTTP/1."u8.ToArray();
        for (var matched = 0; matched < version.Length; )
        {
            if (Next() is not { } b) return -1;
            if (b == ' ' && matched == 0) bent = true;
            else if (b == version[matched]) matched++;
            else return Bad(out notHttp);
        }
        if (Next() is not { } minor) return -1;
        if (!char.IsAsciiDigit((char)minor)) return Bad(out notHttp);
        int end;
        do
        {
            if (Next() is not { } b) return -1;
            end = b;
            if (end is ' ' or '\t') bent = true;
        }
        while (end is ' ' or '\t');
        if (end == '\r')
        {
            if (Next() is not { } lf) return -1;
            end = lf;
        }
        return end == '\n' ? i : Bad(out notHttp);
    }

    private static int Bad(out bool notHttp)
    {
        notHttp = true;
        return -1;
    }

    /// <summary>Index after the empty line that ends a head or trailer section, searched from a line start; -1 when
    /// the window ends first.</summary>
    private static int HeadEnd(byte[] input, int lineStart, int window)
    {
        var p = lineStart;
        while (p < window)
        {
            if (input[p] == (byte)'\n') return p + 1;
            if (input[p] == (byte)'\r' && p + 1 < window && input[p + 1] == (byte)'\n') return p + 2;
            var lf = Array.IndexOf(input, (byte)'\n', p, window - p);
            if (lf < 0) return -1;
            p = lf + 1;
        }
        return -1;
    }

    private static string Line(byte[] head, int from, int lf)
    {
        var end = lf > from && head[lf - 1] == (byte)'\r' ? lf - 1 : lf;
        return Encoding.Latin1.GetString(head, from, end - from);
    }

    private static bool TryParse(byte[] head, out long length, out bool chunked, out bool leavesHttp)
    {
        length = 0;
        chunked = false;
        var firstLf = Array.IndexOf(head, (byte)'\n');
        var requestLine = Line(head, 0, firstLf);
        leavesHttp = requestLine.StartsWith("CONNECT ", StringComparison.Ordinal);
        var crlf = firstLf > 0 && head[firstLf - 1] == (byte)'\r';
        long? contentLength = null;
        bool transferEncoding = false, upgrade = false, connectionUpgrade = false;
        for (var from = firstLf + 1; ;)
        {
            var lf = Array.IndexOf(head, (byte)'\n', from);
            var line = Line(head, from, lf);
            if ((lf > from && head[lf - 1] == (byte)'\r') != crlf) return false;
            from = lf + 1;
            if (line.Length == 0) break;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line[..colon].All(c => IsToken((byte)c))) return false;
            var name = line[..colon].ToUpperInvariant();
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (value.Any(c => (c < 0x20 && c != '\t') || c == 0x7F)) return false;
            switch (name)
            {
                case "CONTENT-LENGTH":
                    if (value.Length is 0 or > 18 || !value.All(char.IsAsciiDigit)) return false;
                    if (contentLength is not null) return false;
                    contentLength = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "TRANSFER-ENCODING":
                    transferEncoding = true;
                    foreach (var coding in value.Split(','))
                    {
                        if (chunked) return false;
                        chunked = coding.Trim(' ', '\t').Equals("chunked", StringComparison.OrdinalIgnoreCase);
                    }
                    break;
                case "UPGRADE":
                    upgrade = true;
                    break;
                case "CONNECTION":
                    connectionUpgrade |= value.Split(',').Any(t => t.Trim(' ', '\t').Equals("upgrade", StringComparison.OrdinalIgnoreCase));
                    break;
            }
        }
        if (transferEncoding && (!chunked || contentLength is not null || requestLine.EndsWith("HTTP/1.0", StringComparison.Ordinal))) return false;
        length = chunked ? 0 : contentLength ?? 0;
        leavesHttp |= upgrade && connectionUpgrade;
        return true;
    }

    private static byte[] Rewrite(byte[] head, string address)
    {
        var lines = new List<byte[]>();
        for (var from = 0; from < head.Length;)
        {
            var lf = Array.IndexOf(head, (byte)'\n', from);
            lines.Add(head[from..(lf + 1)]);
            from = lf + 1;
        }
        var eol = lines[0].Length > 1 && lines[0][^2] == (byte)'\r' ? "\r\n" : "\n";
        bool Named(byte[] line, string name) =>
            line.Length > name.Length && line[name.Length] == (byte)':'
            && Encoding.Latin1.GetString(line, 0, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase);
        var lastForwardedFor = lines.FindLastIndex(l => Named(l, "X-Forwarded-For"));

        var output = new List<byte>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var ending = line.Length > 1 && line[^2] == (byte)'\r' ? 2 : 1;
            if (i > 0 && line.Length == ending)
            {
                if (lastForwardedFor < 0) output.AddRange(Encoding.Latin1.GetBytes($"X-Forwarded-For: {address}{eol}"));
                output.AddRange(Encoding.Latin1.GetBytes($"X-Forwarded-Proto: http{eol}"));
                output.AddRange(line);
            }
            else if (i == lastForwardedFor)
            {
                var content = Encoding.Latin1.GetString(line, 0, line.Length - ending).TrimEnd(' ', '\t');
                output.AddRange(Encoding.Latin1.GetBytes(content + (content.EndsWith(':') ? " " : ", ") + address));
                output.AddRange(line[^ending..]);
            }
            else if (i == 0 || !Named(line, "X-Forwarded-Proto"))
            {
                output.AddRange(line);
            }
        }
        return [.. output];
    }

    /// <summary>Where a chunked body ends: after its trailer section, at the end of the input, or (invalid) at the
    /// byte that breaks it.</summary>
    private static int ChunkedEnd(byte[] input, int p, out bool invalid)
    {
        invalid = false;
        var n = input.Length;
        static bool LineByte(byte b) => b >= 0x20 || b == (byte)'\t';
        while (true)
        {
            var digits = 0;
            long size = 0;
            while (p < n && char.IsAsciiHexDigit((char)input[p]))
            {
                if (++digits > MaxSizeDigits) return Invalid(p, out invalid);
                size = size * 16 + Convert.ToInt32(((char)input[p]).ToString(), 16);
                p++;
            }
            if (p == n) return n;
            if (digits == 0) return Invalid(p, out invalid);
            if (input[p] is (byte)';' or (byte)' ' or (byte)'\t')
            {
                p++;
                var count = digits;
                while (true)
                {
                    if (p == n) return n;
                    if (input[p] == (byte)'\r') break;
                    if (!LineByte(input[p]) || ++count > MaxSizeLine) return Invalid(p, out invalid);
                    p++;
                }
            }
            if (input[p] != (byte)'\r') return Invalid(p, out invalid);
            if (++p == n) return n;
            if (input[p] != (byte)'\n') return Invalid(p, out invalid);
            p++;

            if (size == 0)
            {
                // Trailer lines, CRLF each, until an empty one; their bytes but the CRLFs count to the limit.
                var count = 0;
                var lineEmpty = true;
                while (true)
                {
                    if (p == n) return n;
                    if (input[p] == (byte)'\r')
                    {
                        if (++p == n) return n;
                        if (input[p] != (byte)'\n') return Invalid(p, out invalid);
                        p++;
                        if (lineEmpty) return p;
                        lineEmpty = true;
                        continue;
                    }
                    if (!LineByte(input[p]) || ++count > MaxTrailer) return Invalid(p, out invalid);
                    lineEmpty = false;
                    p++;
                }
            }
            if (n - p < size) return n;
            p += (int)size;
            if (p == n) return n;
            if (input[p] != (byte)'\r') return Invalid(p, out invalid);
            if (++p == n) return n;
            if (input[p] != (byte)'\n') return Invalid(p, out invalid);
            p++;
        }
    }

    private static int Invalid(int at, out bool invalid)
    {
        invalid = true;
        return at;
    }
}
