using Quill.Net.Takeover;

namespace Quill.Net.Http;

/// <summary>
/// Finds the empty line that ends a request head (CRLF CRLF, or LF LF from lenient clients) in bytes that arrive in
/// pieces, remembering across calls how far into a possible terminator the previous piece ended.
/// </summary>
internal struct HeadEndScanner
{
    private State _state;

    private enum State { InLine, LineStart, LineStartAfterCr }

    /// <summary>Called when a new head starts right after a request line that ended with LF.</summary>
    public void StartAtLineStart() => _state = State.LineStart;

    public void Reset() => _state = State.InLine;

    /// <summary>Takeover: how far into a possible terminator the last piece ended.</summary>
    public readonly void Save(BinaryWriter writer) => writer.WriteEnum(_state);

    public static HeadEndScanner Restore(BinaryReader reader) => new() { _state = reader.ReadEnum<State>() };

    /// <returns>The number of bytes up to and including the terminator, or -1 when it is not in <paramref name="bytes"/>.</returns>
    public int Find(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            switch (_state)
            {
                case State.LineStart when bytes[i] == (byte)'\n':
                case State.LineStartAfterCr when bytes[i] == (byte)'\n':
                    _state = State.InLine;
                    return i + 1;
                case State.LineStart when bytes[i] == (byte)'\r':
                    _state = State.LineStartAfterCr;
                    break;
                default:
                    var lf = bytes[i..].IndexOf((byte)'\n');
                    if (lf < 0)
                    {
                        _state = State.InLine;
                        return -1;
                    }
                    i += lf;
                    _state = State.LineStart;
                    break;
            }
        }
        return -1;
    }
}
