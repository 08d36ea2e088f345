using Quill.Net.Connections;
using Quill.Net.Takeover;
using System.Buffers;

namespace Quill.Net.Http;

/// <summary>
/// Follows the HTTP/1.x requests a client sends on one connection, however they are split into reads, and passes
/// each one on with X-Forwarded-For and X-Forwarded-Proto (when <see cref="ForwardedHeaders"/> are given), reporting
/// each request line (the access log). Only request heads are held back, until complete; bodies flow through as they
/// arrive and are never changed. By hand because it is the data path: it reads the relay's own buffers as they pass,
/// holds at most one head and refuses the framings request smuggling needs; the maintained HTTP/1.x parsers are
/// servers' (Kestrel's is ASP.NET Core's internal API), made to answer requests, not to pass them on unchanged.
/// <para>Policy:</para>
/// <list type="bullet">
/// <item>A connection whose first bytes are not an HTTP/1.x request line passes through byte for byte, untouched.</item>
/// <item>After a CONNECT request, or a request with <c>Upgrade</c> and <c>Connection: upgrade</c>, the rest of the
/// connection passes through untouched. The filter sees only the client's direction, so it cannot wait for the
/// server's 101: if the server refuses the upgrade, later requests on that connection go on without the headers.</item>
/// <item>A later request that is not HTTP, a head larger than <see cref="MaxHeadLength"/>, a malformed header line,
/// or ambiguous body framing (Transfer-Encoding with Content-Length, or not ending in chunked, differing
/// Content-Lengths, a broken chunk): the requests before it still reach the server, nothing from that point on does,
/// and the server sees end of stream, so it answers what it has and closes. Guessing could let a request hide from
/// the header insertion (request smuggling).</item>
/// </list>
/// Memory per connection: one head buffer, rented only while a head is incomplete, at most <see cref="MaxHeadLength"/>.
/// On a takeover its whole state moves (<see cref="Save"/>), the incomplete head included, so the next process goes
/// on parsing where this one stopped.
/// </summary>
public sealed class HttpRequestFilter : IClientStreamFilter
{
    /// <summary>The largest request head (request line and headers) held back while waiting for its end.</summary>
    public const int MaxHeadLength = 64 * 1024;
    private const int FirstHeadBuffer = 4 * 1024;

    private readonly ForwardedHeaders? _forwarded;
    private readonly RequestLineHandler? _onRequest;
    private readonly ArrayPool<byte> _pool;

    private Mode _mode = Mode.Head;
    private bool _sawRequest;
    private RequestLineScanner _requestLine;
    private bool _requestLineDone;
    private HeadEndScanner _headEnd;
    private byte[]? _head;
    private int _headLength;
    private long _bodyRemaining;
    private ChunkedBodyReader _chunked;
    private bool _leavesHttpAfterBody;

    private enum Mode { Head, FixedBody, ChunkedBody, PassThrough, Stopped }

    /// <param name="forwarded">The headers to add; null only follows the requests (for the access log).</param>
    /// <param name="onRequest">Called with each request line.</param>
    public HttpRequestFilter(ForwardedHeaders? forwarded, RequestLineHandler? onRequest = null)
        : this(forwarded, onRequest, ArrayPool<byte>.Shared)
    {
    }

    internal HttpRequestFilter(ForwardedHeaders? forwarded, RequestLineHandler? onRequest, ArrayPool<byte> pool)
    {
        _forwarded = forwarded;
        _onRequest = onRequest;
        _pool = pool;
    }

    /// <summary>True once the client sent something the policy refuses; nothing more goes to the server.</summary>
    public bool ClientStreamEnded => _mode == Mode.Stopped;

    /// <summary>Bytes held while waiting for the end of a head (for tests of the memory bound).</summary>
    internal int HeldBytes => _headLength;

    public void OnClientData(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        while (!chunk.IsEmpty)
        {
            var used = _mode switch
            {
                Mode.Head => ReadHead(chunk, output),
                Mode.FixedBody => ReadFixedBody(chunk, output),
                Mode.ChunkedBody => ReadChunkedBody(chunk, output),
                Mode.PassThrough => Pass(chunk, output),
                _ => chunk.Length,
            };
            chunk = chunk[used..];
        }
    }

    /// <summary>
    /// The client ended its stream: a head still incomplete can never be a request, so what is held goes on untouched
    /// (the server sees it and the EOF) rather than being lost; a first one counts as a connection that is not HTTP.
    /// </summary>
    public void OnClientEnd(IBufferWriter<byte> output)
    {
        if (_mode != Mode.Head || _headLength == 0) return;
        if (!_sawRequest)
        {
            _ = NotHttp([], output);
            return;
        }
        output.Write(_head.AsSpan(0, _headLength));
        ReleaseHead();
    }

    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_forwarded is not null);
        writer.WriteEnum(_mode);
        writer.Write(_sawRequest);
        _requestLine.Save(writer);
        writer.Write(_requestLineDone);
        _headEnd.Save(writer);
        writer.WriteHeld(_head.AsSpan(0, _headLength));
        writer.Write(_bodyRemaining);
        _chunked.Save(writer);
        writer.Write(_leavesHttpAfterBody);
    }

    /// <exception cref="InvalidDataException">The state of a filter that added other headers (-H against the access log only).</exception>
    public void Restore(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.ReadBoolean() != _forwarded is not null) throw new InvalidDataException("takeover: -H differs from the filter's state");
        _mode = reader.ReadEnum<Mode>();
        _sawRequest = reader.ReadBoolean();
        _requestLine = RequestLineScanner.Restore(reader);
        _requestLineDone = reader.ReadBoolean();
        _headEnd = HeadEndScanner.Restore(reader);
        var head = reader.ReadHeld(MaxHeadLength);
        if (head.Length > 0 && !Hold(head)) throw new InvalidDataException("takeover: a head longer than the limit");
        _bodyRemaining = reader.ReadInt64();
        if (_bodyRemaining < 0) throw new InvalidDataException($"takeover: body remainder {_bodyRemaining}");
        _chunked = ChunkedBodyReader.Restore(reader);
        _leavesHttpAfterBody = reader.ReadBoolean();
    }

    private int ReadHead(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        var used = 0;
        if (_headLength == 0 && !_requestLineDone)
        {
            // Empty lines between requests are allowed (RFC 9112 2.2); they carry nothing to rewrite.
            while (used < chunk.Length && chunk[used] is (byte)'\r' or (byte)'\n') used++;
            output.Write(chunk[..used]);
            if (used == chunk.Length) return used;
        }

        var rest = chunk[used..];
        // Only the head's first MaxHeadLength bytes are looked at, so that the verdict (not HTTP, too long, complete)
        // does not depend on how the reads were cut.
        var window = rest[..Math.Min(rest.Length, MaxHeadLength - _headLength)];
        var scanned = 0;
        if (!_requestLineDone)
        {
            switch (_requestLine.Feed(window, out scanned))
            {
                case RequestLineScanner.Verdict.NotHttp:
                    return used + NotHttp(rest, output);
                case RequestLineScanner.Verdict.Malformed:
                    return used + Stop(output);
                case RequestLineScanner.Verdict.Http:
                    _requestLineDone = true;
                    _headEnd.StartAtLineStart();
                    break;
            }
        }

        var end = _requestLineDone ? _headEnd.Find(window[scanned..]) : -1;
        if (end < 0)
        {
            if (!Hold(rest)) return used + Stop(output);
            return chunk.Length;
        }

        var headPart = rest[..(scanned + end)];
        if (_headLength == 0)
        {
            EndHead(headPart, output);
        }
        else
        {
            if (!Hold(headPart)) return used + Stop(output);
            EndHead(_head.AsSpan(0, _headLength), output);
        }
        return used + headPart.Length;
    }

    /// <summary>Keeps an incomplete head; false when it grew past the limit.</summary>
    private bool Hold(ReadOnlySpan<byte> part)
    {
        var needed = _headLength + part.Length;
        if (needed > MaxHeadLength) return false;
        if (_head is null || _head.Length < needed)
        {
            var bigger = _pool.Rent(Math.Max(needed, Math.Min(MaxHeadLength, Math.Max(FirstHeadBuffer, (_head?.Length ?? 0) * 2))));
            if (_head is not null)
            {
                _head.AsSpan(0, _headLength).CopyTo(bigger);
                _pool.Return(_head);
            }
            _head = bigger;
        }
        part.CopyTo(_head.AsSpan(_headLength));
        _headLength = needed;
        return true;
    }

    private void EndHead(ReadOnlySpan<byte> head, IBufferWriter<byte> output)
    {
        if (!RequestHead.TryParse(head, out var parsed))
        {
            if (_forwarded is null)
            {
                output.Write(head);
                ReleaseHead();
            }
            Stop(output);
            return;
        }

        _sawRequest = true;
        _onRequest?.Invoke(HttpSyntax.WithoutLineEnd(head[..(head.IndexOf((byte)'\n') + 1)]));
        if (_forwarded is null) output.Write(head);
        else _forwarded.WriteHead(head, output);
        ReleaseHead();

        _leavesHttpAfterBody = parsed.LeavesHttp;
        switch (parsed.Framing)
        {
            case BodyFraming.ContentLength:
                _bodyRemaining = parsed.ContentLength;
                _mode = Mode.FixedBody;
                break;
            case BodyFraming.Chunked:
                _chunked = default;
                _mode = Mode.ChunkedBody;
                break;
            default:
                EndBody();
                break;
        }
    }

    private int ReadFixedBody(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        var take = (int)Math.Min(_bodyRemaining, chunk.Length);
        output.Write(chunk[..take]);
        _bodyRemaining -= take;
        if (_bodyRemaining == 0) EndBody();
        return take;
    }

    private int ReadChunkedBody(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        var progress = _chunked.Feed(chunk, out var used);
        output.Write(chunk[..used]);
        if (progress == ChunkedBodyReader.Progress.Invalid)
        {
            Stop(output);
            return used;
        }
        if (progress == ChunkedBodyReader.Progress.Ended) EndBody();
        return used;
    }

    private void EndBody() => _mode = _leavesHttpAfterBody ? Mode.PassThrough : Mode.Head;

    /// <summary>A request line that is not HTTP/1.x: the whole connection passes if it is the first, else it stops.</summary>
    private int NotHttp(ReadOnlySpan<byte> rest, IBufferWriter<byte> output)
    {
        if (_sawRequest) return Stop(output);
        // Not HTTP at all: the access log still gets one line for the connection, as pen logs its first read.
        _onRequest?.Invoke(_headLength > 0 ? _head.AsSpan(0, _headLength) : rest);
        _mode = Mode.PassThrough;
        if (_headLength > 0) output.Write(_head.AsSpan(0, _headLength));
        ReleaseHead();
        return Pass(rest, output);
    }

    private static int Pass(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        output.Write(chunk);
        return chunk.Length;
    }

    /// <summary>
    /// What the policy refuses. When only following requests for the access log, nothing is refused: what is held
    /// goes on and the rest of the connection passes through untouched, unlogged.
    /// </summary>
    /// <returns>0: the caller's loop then handles the rest of the chunk in the new mode (discarded when stopped).</returns>
    private int Stop(IBufferWriter<byte> output)
    {
        if (_forwarded is null)
        {
            if (_headLength > 0) output.Write(_head.AsSpan(0, _headLength));
            _mode = Mode.PassThrough;
        }
        else
        {
            _mode = Mode.Stopped;
        }
        ReleaseHead();
        return 0;
    }

    private void ReleaseHead()
    {
        if (_head is not null) _pool.Return(_head);
        _head = null;
        _headLength = 0;
        _requestLine = default;
        _requestLineDone = false;
        _headEnd.Reset();
    }
}
