using Quill.Net.Takeover;

namespace Quill.Net.Http;

/// <summary>
/// Decides, byte by byte as the first line arrives, whether a stream is HTTP/1.x: <c>METHOD SP target SP HTTP/1.d</c>
/// then CRLF or LF. It rejects as early as possible so that a client of another protocol waiting for an answer after a
/// few bytes is never held back. A line that is HTTP/1.x bent only by whitespace (more than one space between its
/// parts, spaces or tabs after the version) is <see cref="Verdict.Malformed"/>, not "not HTTP": a lenient server (nginx)
/// takes it as a request, and passing it untouched would pass its forged X-Forwarded-For too.
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
                case Part.End when HttpSyntax.IsWhitespace(b):
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
                case Part.Minor when char.IsAsciiDigit((char)b):
                    Next(Part.End);
                    break;
                case Part.End when b == (byte)'\r':
                    Next(Part.Cr);
                    break;
                case Part.End or Part.Cr when b == (byte)'\n':
                    return _bent ? Verdict.Malformed : Verdict.Http;
                default:
                    return Verdict.NotHttp;
            }
        }
        return Verdict.NeedMore;
    }

    /// <summary>Takeover: how far into the line it is.</summary>
    public readonly void Save(BinaryWriter writer)
    {
        writer.WriteEnum(_part);
        writer.Write(_count);
        writer.Write(_bent);
    }

    public static RequestLineScanner Restore(BinaryReader reader) => new()
    {
        _part = reader.ReadEnum<Part>(),
        _count = reader.ReadBounded(HttpRequestFilter.MaxHeadLength + 1),
        _bent = reader.ReadBoolean(),
    };

    private void Next(Part part)
    {
        _part = part;
        _count = 0;
    }
}
