using System.Net;
using Quill.Core.AccessLog;
using Quill.Core.Status;
using Quill.Net.Takeover;

namespace Quill.Net.Connections;

/// <summary>
/// The JSON access log's view of one connection: what it learns along the lifecycle (connect time, TLS, each -H
/// request line and the status of each answer), turned into one record per connection, or one per request when there
/// were requests. A request's record is written once the next request began (or the connection ended) and its answer's
/// status is known; the requests and the answers come from the two directions, so they meet under a lock. On a
/// takeover all of it moves (<see cref="Save"/>): the records are written by the process where the connection ends,
/// as this one would have written them.
/// </summary>
internal sealed class ConnectionLogger(IConnectionLog log, TimeProvider time, IPAddress? client, int clientPort) : ITakeoverState
{
    /// <summary>Ended requests held for their status at most; beyond, the oldest is written without one (a server
    /// that answers nothing on a long pipelined connection must not make the log hold every request).</summary>
    internal const int MaxWaitingForStatus = 64;

    private readonly Lock _gate = new();
    private readonly Queue<Request> _unwritten = new();
    private DateTimeOffset _startedAt = time.GetUtcNow();
    private long _started = time.GetTimestamp();
    private double? _connectSeconds;
    private string? _server;
    private int _serverIndex = Core.Model.ServerIndex.None;
    private string? _tlsVersion;
    private string? _tlsServerName;
    private Request? _current;
    private bool _ended;

    /// <summary>One request; once over, what its record says but the status.</summary>
    private sealed class Request(string method, string path, DateTimeOffset at, long started, Traffic mark)
    {
        public string Method => method;
        public int? Status { get; set; }
        public Ending? End { get; private set; }

        public void Ended(ConnectionLogger logger, Traffic now, string close) => End = new Ending(now - mark, logger.Since(started), close);

        public ConnectionRecord Record(ConnectionLogger logger) =>
            logger.Record(at, End!.Value.Bytes, End.Value.Duration, End.Value.Close) with { HttpMethod = method, HttpPath = path, HttpStatus = Status };

        public void Save(BinaryWriter writer, ConnectionLogger logger)
        {
            writer.Write(method);
            writer.Write(path);
            writer.Write(at.UtcTicks);
            writer.Write(logger.Since(started).Ticks);
            WriteTraffic(writer, mark);
            writer.Write(Status ?? -1);
            writer.Write(End is not null);
            if (End is not { } end) return;
            WriteTraffic(writer, end.Bytes);
            writer.Write(end.Duration.Ticks);
            writer.Write(end.Close);
        }

        public static Request Restore(BinaryReader reader, ConnectionLogger logger)
        {
            var request = new Request(reader.ReadString(), reader.ReadString(), new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
                logger.StartedAgo(reader.ReadInt64()), ReadTraffic(reader));
            var status = reader.ReadInt32();
            request.Status = status < 0 ? null : status;
            if (reader.ReadBoolean())
                request.End = new Ending(ReadTraffic(reader), TimeSpan.FromTicks(reader.ReadInt64()), reader.ReadString());
            return request;
        }
    }

    private readonly record struct Ending(Traffic Bytes, TimeSpan Duration, string Close);

    public void Connected(int serverIndex, EndPoint server, TimeSpan connectTime)
    {
        (_serverIndex, _server, _connectSeconds) = (serverIndex, AddressText.Of(server), connectTime.TotalSeconds);
    }

    public void Tls(string? version, string? serverName) => (_tlsVersion, _tlsServerName) = (version, serverName);

    /// <summary>A request line on a -H connection: the request before it is complete.</summary>
    public void RequestLine(ReadOnlySpan<byte> line, Traffic now)
    {
        var words = RequestText.From(line).Split(' ');
        var request = new Request(words[0], words.Length > 1 ? words[1] : "", time.GetUtcNow(), time.GetTimestamp(), now);
        lock (_gate)
        {
            _current?.Ended(this, now, "next");
            _current = request;
            _unwritten.Enqueue(request);
            WriteReady();
        }
    }

    /// <summary>The server's answer to the oldest request without one (Http.ResponseStatusHandler).</summary>
    public string? Response(int status)
    {
        lock (_gate)
        {
            var answered = _unwritten.FirstOrDefault(request => request.Status is null);
            if (answered is null) return null;
            answered.Status = status;
            WriteReady();
            return answered.Method;
        }
    }

    /// <param name="close">How the connection ended: "closed", "refused" or "aborted".</param>
    public void Ended(Traffic total, string close)
    {
        lock (_gate)
        {
            _ended = true;
            if (_current is null)
            {
                log.Write(Record(_startedAt, total, Since(_started), close));
                return;
            }
            _current.Ended(this, total, close);
            WriteReady();
        }
    }

    /// <summary>Takeover: the connection so far and the requests not written yet. Durations travel as time elapsed,
    /// as each process's clock for them is its own.</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        lock (_gate)
        {
            writer.Write(_startedAt.UtcTicks);
            writer.Write(Since(_started).Ticks);
            writer.Write(_connectSeconds.HasValue);
            writer.Write(_connectSeconds ?? 0);
            writer.Write(_server ?? "");
            writer.Write(_serverIndex);
            writer.Write(_tlsVersion ?? "");
            writer.Write(_tlsServerName ?? "");
            writer.Write(_unwritten.Count);
            foreach (var request in _unwritten) request.Save(writer, this);
        }
    }

    public void Restore(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        lock (_gate)
        {
            _startedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            _started = StartedAgo(reader.ReadInt64());
            var connected = reader.ReadBoolean();
            var connectSeconds = reader.ReadDouble();
            _connectSeconds = connected ? connectSeconds : null;
            _server = NullIfEmpty(reader.ReadString());
            _serverIndex = reader.ReadInt32();
            _tlsVersion = NullIfEmpty(reader.ReadString());
            _tlsServerName = NullIfEmpty(reader.ReadString());
            var count = reader.ReadBounded(MaxWaitingForStatus + 1);
            for (var i = 0; i < count; i++) _unwritten.Enqueue(Request.Restore(reader, this));
            // Only the newest request can still be going on: every one before it ended when the next began.
            _current = _unwritten.LastOrDefault();
        }
    }

    /// <summary>Writes, in order, the requests that are over and have their status (all of them once the connection ended).</summary>
    private void WriteReady()
    {
        while (_unwritten.TryPeek(out var oldest) && oldest.End is not null
               && (oldest.Status is not null || _ended || _unwritten.Count > MaxWaitingForStatus))
        {
            log.Write(oldest.Record(this));
            _unwritten.Dequeue();
        }
    }

    private TimeSpan Since(long started) => time.GetElapsedTime(started);

    /// <summary>The timestamp of <paramref name="elapsedTicks"/> (TimeSpan ticks) ago.</summary>
    private long StartedAgo(long elapsedTicks) =>
        time.GetTimestamp() - (long)((Int128)elapsedTicks * time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static void WriteTraffic(BinaryWriter writer, Traffic traffic)
    {
        writer.Write(traffic.ToServer);
        writer.Write(traffic.ToClient);
    }

    private static Traffic ReadTraffic(BinaryReader reader) => new(reader.ReadInt64(), reader.ReadInt64());

    private ConnectionRecord Record(DateTimeOffset at, Traffic bytes, TimeSpan duration, string close) => new()
    {
        Time = at,
        Client = client is null ? "unix" : AddressText.Of(client),
        ClientPort = clientPort,
        Server = _server,
        ServerIndex = _serverIndex,
        BytesToServer = bytes.ToServer,
        BytesToClient = bytes.ToClient,
        ConnectSeconds = _connectSeconds,
        DurationSeconds = duration.TotalSeconds,
        Close = close,
        TlsVersion = _tlsVersion,
        TlsServerName = _tlsServerName,
    };
}
