using System.Buffers;
using Quill.Net.Connections;
using Quill.Net.Takeover;

namespace Quill.Net.Http;

/// <summary>
/// Follows the HTTP/1.x responses a server sends on one connection as they pass, however they are split into reads,
/// and reports each final response's status code in order (the JSON access log). It changes and holds back nothing:
/// it reads the status line and the two headers that say where the body ends (Content-Length, Transfer-Encoding),
/// then skips the body, so the next status line is found.
/// <para>Policy: 1xx answers other than 101 are interim and not reported. After a 101, a 2xx to CONNECT, a body that
/// runs to the close, or anything it does not understand (not an HTTP/1.x status line, a line longer than
/// <see cref="MaxLineLength"/>, differing Content-Lengths, a broken chunk), it stops watching; the bytes go on all the
/// same, and the requests left simply have no status.</para>
/// Memory per connection: one line buffer, rented only while a head line is split across reads. On a takeover its
/// whole state moves (<see cref="Save"/>), a split line included. By hand for the data path, as <see cref="HttpRequestFilter"/>.
/// </summary>
public sealed class HttpResponseWatcher(ResponseStatusHandler onStatus) : IServerStreamObserver
{
    /// <summary>The longest status or header line followed across reads.</summary>
    public const int MaxLineLength = 16 * 1024;

    private Mode _mode = Mode.StatusLine;
    private byte[]? _line;
    private int _lineLength;
    private int _status;
    private long _contentLength;
    private bool _chunkedBody;
    private bool _closeDelimited;
    private long _bodyRemaining;
    private ChunkedBodyReader _chunked;

    private enum Mode { StatusLine, Headers, FixedBody, ChunkedBody, Stopped }

    /// <summary>True once it stopped watching (see the policy): nothing more will be reported.</summary>
    public bool Stopped => _mode == Mode.Stopped;

    public void OnServerData(ReadOnlySpan<byte> chunk)
    {
        while (!chunk.IsEmpty && _mode != Mode.Stopped)
        {
            var used = _mode switch
            {
                Mode.FixedBody => SkipFixedBody(chunk),
                Mode.ChunkedBody => SkipChunkedBody(chunk),
                _ => ReadLine(chunk),
            };
            chunk = chunk[used..];
        }
        if (_mode == Mode.Stopped) ReleaseLine();
    }

    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteEnum(_mode);
        writer.WriteHeld(_line.AsSpan(0, _lineLength));
        writer.Write(_status);
        writer.Write(_contentLength);
        writer.Write(_chunkedBody);
        writer.Write(_closeDelimited);
        writer.Write(_bodyRemaining);
        _chunked.Save(writer);
    }

    public void Restore(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _mode = reader.ReadEnum<Mode>();
        var line = reader.ReadHeld(MaxLineLength);
        if (line.Length > 0) _ = Hold(line);
        _status = reader.ReadInt32();
        _contentLength = reader.ReadInt64();
        _chunkedBody = reader.ReadBoolean();
        _closeDelimited = reader.ReadBoolean();
        _bodyRemaining = reader.ReadInt64();
        if (_bodyRemaining < 0) throw new InvalidDataException($"takeover: body remainder {_bodyRemaining}");
        _chunked = ChunkedBodyReader.Restore(reader);
    }

    private int ReadLine(ReadOnlySpan<byte> chunk)
    {
        var lf = chunk.IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (!Hold(chunk)) _mode = Mode.Stopped;
            return chunk.Length;
        }
        if (_lineLength == 0)
        {
            OnLine(HttpSyntax.WithoutLineEnd(chunk[..(lf + 1)]));
        }
        else
        {
            if (!Hold(chunk[..(lf + 1)]))
            {
                _mode = Mode.Stopped;
                return lf + 1;
            }
            OnLine(HttpSyntax.WithoutLineEnd(_line.AsSpan(0, _lineLength)));
            ReleaseLine();
        }
        return lf + 1;
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (_mode == Mode.StatusLine)
        {
            // Empty lines before a status line are tolerated, as between requests (RFC 9112 2.2).
            if (line.IsEmpty) return;
            if (!TryStatus(line, out _status))
            {
                _mode = Mode.Stopped;
                return;
            }
            (_contentLength, _chunkedBody, _closeDelimited, _mode) = (-1, false, false, Mode.Headers);
            return;
        }
        if (line.IsEmpty)
        {
            EndHead();
            return;
        }
        var colon = line.IndexOf((byte)':');
        if (colon <= 0) return;
        var name = line[..colon];
        var value = HttpSyntax.TrimWhitespace(line[(colon + 1)..]);
        if (name.EqualsOrdinalIgnoreCase("content-length"u8))
        {
            if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
                || (_contentLength >= 0 && _contentLength != length))
            {
                _mode = Mode.Stopped;
                return;
            }
            _contentLength = length;
        }
        else if (name.EqualsOrdinalIgnoreCase("transfer-encoding"u8))
        {
            // Only a final "chunked" frames the body; any other coding runs to the close (RFC 9112 6.3).
            var last = HttpSyntax.TrimWhitespace(value[(value.LastIndexOf((byte)',') + 1)..]);
            if (last.EqualsOrdinalIgnoreCase("chunked"u8)) _chunkedBody = true;
            else _closeDelimited = true;
        }
    }

    private void EndHead()
    {
        _mode = Mode.StatusLine;
        if (_status is >= 100 and < 200 and not 101) return;
        var method = onStatus(_status);
        if (_status == 101 || (method == "CONNECT" && _status is >= 200 and < 300))
        {
            _mode = Mode.Stopped;
            return;
        }
        if (method == "HEAD" || _status is 204 or 304) return;
        if (_closeDelimited)
        {
            _mode = Mode.Stopped;
        }
        else if (_chunkedBody)
        {
            (_chunked, _mode) = (default, Mode.ChunkedBody);
        }
        else if (_contentLength > 0)
        {
            (_bodyRemaining, _mode) = (_contentLength, Mode.FixedBody);
        }
        else if (_contentLength < 0)
        {
            // Neither header: the body runs to the close.
            _mode = Mode.Stopped;
        }
    }

    private int SkipFixedBody(ReadOnlySpan<byte> chunk)
    {
        var take = (int)Math.Min(_bodyRemaining, chunk.Length);
        _bodyRemaining -= take;
        if (_bodyRemaining == 0) _mode = Mode.StatusLine;
        return take;
    }

    private int SkipChunkedBody(ReadOnlySpan<byte> chunk)
    {
        var progress = _chunked.Feed(chunk, out var used);
        if (progress == ChunkedBodyReader.Progress.Invalid) _mode = Mode.Stopped;
        else if (progress == ChunkedBodyReader.Progress.Ended) _mode = Mode.StatusLine;
        return progress == ChunkedBodyReader.Progress.Invalid ? chunk.Length : used;
    }

    /// <summary>"HTTP/1.x NNN" and then a space or the end.</summary>
    private static bool TryStatus(ReadOnlySpan<byte> line, out int status)
    {
        status = 0;
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)line[7]) || line[8] != (byte)' ') return false;
        for (var i = 9; i < 12; i++)
        {
            if (!char.IsAsciiDigit((char)line[i])) return false;
            status = status * 10 + line[i] - '0';
        }
        return (line.Length == 12 || line[12] == (byte)' ') && status >= 100;
    }

    /// <summary>Keeps part of a line split across reads; false when it grew past the limit.</summary>
    private bool Hold(ReadOnlySpan<byte> part)
    {
        var needed = _lineLength + part.Length;
        if (needed > MaxLineLength) return false;
        if (_line is null || _line.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 256));
            if (_line is not null)
            {
                _line.AsSpan(0, _lineLength).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_line);
            }
            _line = bigger;
        }
        part.CopyTo(_line.AsSpan(_lineLength));
        _lineLength = needed;
        return true;
    }

    private void ReleaseLine()
    {
        if (_line is not null) ArrayPool<byte>.Shared.Return(_line);
        (_line, _lineLength) = (null, 0);
    }
}
