using Quill.Net.Takeover;

namespace Quill.Net.Http;

/// <summary>
/// Follows a chunked request body as it passes through, without changing or holding any of it, to find where it
/// ends: chunk-size lines, chunk data, the CRLF after each chunk, the last chunk and the trailer section.
/// Every line of it must end in CRLF, with no CR or LF elsewhere: a bare LF in a chunk extension or a trailer is
/// where parsers disagree on where a chunk ends (and so where the next request starts), so it is refused.
/// </summary>
internal struct ChunkedBodyReader
{
    /// <summary>Bounds what a chunk-size line (with extensions) or the trailer section may take.</summary>
    private const int MaxLineLength = 4096;
    private const int MaxTrailerLength = 64 * 1024;
    private const int MaxSizeDigits = 15;

    private State _state;
    private long _remaining;
    private int _count;
    private bool _trailerLineEmpty;

    public enum Progress { NeedMore, Ended, Invalid }

    private enum State { SizeDigits, SizeRest, SizeLf, Data, DataCr, DataLf, Trailer, TrailerLf }

    /// <param name="consumed">Bytes that belong to the body; when the body ended, the rest is the next request; when it
    /// is invalid, the bytes before the one that broke it (so what passes does not depend on how reads were cut).</param>
    public Progress Feed(ReadOnlySpan<byte> bytes, out int consumed)
    {
        consumed = 0;
        while (consumed < bytes.Length)
        {
            if (_state == State.Data)
            {
                var take = (int)Math.Min(_remaining, bytes.Length - consumed);
                consumed += take;
                _remaining -= take;
                if (_remaining == 0) _state = State.DataCr;
                continue;
            }

            var b = bytes[consumed];
            switch (_state)
            {
                case State.SizeDigits when char.IsAsciiHexDigit((char)b):
                    if (++_count > MaxSizeDigits) return Progress.Invalid;
                    _remaining = _remaining * 16 + HexValue(b);
                    break;
                case State.SizeDigits when _count > 0 && b is (byte)';' or (byte)' ' or (byte)'\t':
                    _state = State.SizeRest;
                    break;
                case State.SizeDigits or State.SizeRest when _count > 0 && b == (byte)'\r':
                    _state = State.SizeLf;
                    break;
                case State.SizeRest when IsLineByte(b):
                    if (++_count > MaxLineLength) return Progress.Invalid;
                    break;
                case State.SizeLf when b == (byte)'\n':
                    EndSizeLine();
                    break;
                case State.DataCr when b == (byte)'\r':
                    _state = State.DataLf;
                    break;
                case State.DataLf when b == (byte)'\n':
                    _state = State.SizeDigits;
                    _count = 0;
                    break;
                case State.Trailer when b == (byte)'\r':
                    _state = State.TrailerLf;
                    break;
                case State.Trailer when IsLineByte(b):
                    if (++_count > MaxTrailerLength) return Progress.Invalid;
                    _trailerLineEmpty = false;
                    break;
                case State.TrailerLf when b == (byte)'\n':
                    if (_trailerLineEmpty)
                    {
                        consumed++;
                        this = default;
                        return Progress.Ended;
                    }
                    _state = State.Trailer;
                    _trailerLineEmpty = true;
                    break;
                default:
                    return Progress.Invalid;
            }
            consumed++;
        }
        return Progress.NeedMore;
    }

    /// <summary>Takeover: where in the body it is.</summary>
    public readonly void Save(BinaryWriter writer)
    {
        writer.WriteEnum(_state);
        writer.Write(_remaining);
        writer.Write(_count);
        writer.Write(_trailerLineEmpty);
    }

    public static ChunkedBodyReader Restore(BinaryReader reader)
    {
        var restored = new ChunkedBodyReader { _state = reader.ReadEnum<State>(), _remaining = reader.ReadInt64() };
        if (restored._remaining < 0) throw new InvalidDataException($"takeover: chunk remainder {restored._remaining}");
        (restored._count, restored._trailerLineEmpty) = (reader.ReadBounded(MaxTrailerLength + 1), reader.ReadBoolean());
        return restored;
    }

    private void EndSizeLine()
    {
        _count = 0;
        if (_remaining > 0)
        {
            _state = State.Data;
            return;
        }
        _state = State.Trailer;
        _trailerLineEmpty = true;
    }

    /// <summary>What a chunk extension or a trailer line may hold: no control character but HTAB.</summary>
    private static bool IsLineByte(byte b) => b >= 0x20 || b == (byte)'\t';

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
