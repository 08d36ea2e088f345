namespace Quill.Net.Http;

/// <summary>
/// Decides, byte by byte as the first line arrives, whether a stream is HTTP/1.x: <c>METHOD SP target SP HTTP/1.d</c>
/// then CRLF or LF. It rejects as early as possible so that a client of another protocol waiting for an answer after a
/// few bytes is never held back. A line that is HTTP/1.x but bent (more than one space between its parts, anything
/// after the version) is <see cref="Verdict.Malformed"/>, not "not HTTP": a lenient server would take it as a request,
/// and letting it pass untouched would let its headers (a forged X-Forwarded-For) through unchecked.
/// </summary>
internal struct RequestLineScanner
{
    /// <summary>Longer methods are not HTTP (the longest registered method has 17 letters).</summary>
    private const int MaxMethodLength = 32;
    private static ReadOnlySpan<byte> VersionPrefix => "HTTP/1."u8;

    private Part _part;
    private int _count;
    private bool _bent;

    public enum Verdict { NeedMore, Http, NotHttp, Malformed }

    private enum Part { Method, Target, Version, Minor, End, Cr }

    /// <summary>Feeds the next bytes of the line; returns once the verdict is known or the bytes are used up.</summary>
    /// <param name="consumed">Bytes used, up to and including the line's LF when the verdict is Http.</param>
    public Verdict Feed(ReadOnlySpan<byte> bytes, out int consumed)
    {
        for (consumed = 0; consumed < bytes.Length;)
        {
            var b = bytes[consumed++];
            switch (_part)
            {
                case Part.Method when b == (byte)' ' && _count > 0:
                    Next(Part.Target);
                    break;
                case Part.Method when HttpSyntax.IsTokenChar(b) && ++_count <= MaxMethodLength:
                    break;
                case Part.Target or Part.Version when b == (byte)' ' && _count == 0:
                    _bent = true;
                    break;
                case Part.Target when b == (byte)' ':
                    Next(Part.Version);
                    break;
                case Part.Target when b > 0x20 && b != 0x7F:
                    _count++;
                    break;
                case Part.Version when b == VersionPrefix[_count]:
                    if (++_count == VersionPrefix.Length) Next(Part.Minor);
                    break;
                case Part.Minor:
                    if (!char.IsAsciiDigit((char)b)) return Verdict.Malformed;
                    Next(Part.End);
                    break;
                case Part.End when b == (byte)'\r':
                    Next(Part.Cr);
                    break;
                case Part.End or Part.Cr when b == (byte)'\n':
                    return _bent ? Verdict.Malformed : Verdict.Http;
                case Part.End or Part.Cr:
                    return Verdict.Malformed;
                default:
                    return Verdict.NotHttp;
            }
        }
        return Verdict.NeedMore;
    }

    private void Next(Part part)
    {
        _part = part;
        _count = 0;
    }
}
