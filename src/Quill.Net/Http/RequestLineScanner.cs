namespace Quill.Net.Http;

/// <summary>
/// Decides, byte by byte as the first line arrives, whether a stream is HTTP/1.x: <c>METHOD SP target SP HTTP/1.d</c>
/// then CRLF or LF. It rejects as early as possible so that a client of another protocol waiting for an answer after a
/// few bytes is never held back.
/// </summary>
internal struct RequestLineScanner
{
    /// <summary>Longer methods are not HTTP (the longest registered method has 17 letters).</summary>
    private const int MaxMethodLength = 32;
    private static ReadOnlySpan<byte> VersionPrefix => "HTTP/1."u8;

    private Part _part;
    private int _count;

    public enum Verdict { NeedMore, Http, NotHttp }

    private enum Part { Method, Target, Version, Minor, Cr, Done }

    /// <summary>Feeds the next bytes of the line; returns once the verdict is known or the bytes are used up.</summary>
    /// <param name="consumed">Bytes used, up to and including the line's LF when the verdict is Http.</param>
    public Verdict Feed(ReadOnlySpan<byte> bytes, out int consumed)
    {
        for (consumed = 0; consumed < bytes.Length;)
        {
            var b = bytes[consumed++];
            var ok = _part switch
            {
                Part.Method => b == (byte)' ' ? _count > 0 && Next(Part.Target) : HttpSyntax.IsTokenChar(b) && ++_count <= MaxMethodLength,
                Part.Target => b == (byte)' ' ? _count > 0 && Next(Part.Version) : b > 0x20 && b != 0x7F && ++_count > 0,
                Part.Version => b == VersionPrefix[_count] && (++_count < VersionPrefix.Length || Next(Part.Minor)),
                Part.Minor => char.IsAsciiDigit((char)b) && Next(Part.Cr),
                Part.Cr => b == (byte)'\r' ? _count++ == 0 : b == (byte)'\n' && Next(Part.Done),
                _ => false,
            };
            if (!ok) return Verdict.NotHttp;
            if (_part == Part.Done) return Verdict.Http;
        }
        return Verdict.NeedMore;
    }

    private bool Next(Part part)
    {
        _part = part;
        _count = 0;
        return true;
    }
}
