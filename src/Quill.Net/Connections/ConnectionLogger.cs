using System.Net;
using Quill.Core.AccessLog;
using Quill.Core.Status;

namespace Quill.Net.Connections;

/// <summary>
/// The JSON access log's view of one connection: what it learns along the lifecycle (connect time, TLS, each -H
/// request line and the status of each answer), turned into one record per connection, or one per request when there
/// were requests. A request's record is written once the next request began (or the connection ended) and its answer's
/// status is known; the requests and the answers come from the two directions, so they meet under a lock.
/// </summary>
internal sealed class ConnectionLogger(IConnectionLog log, TimeProvider time, IPAddress? client, int clientPort)
{
    /// <summary>Ended requests held for their status at most; beyond, the oldest is written without one (a server
    /// that answers nothing on a long pipelined connection must not make the log hold every request).</summary>
    internal const int MaxWaitingForStatus = 64;

    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private readonly long _started = time.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly Queue<Request> _unwritten = new();
    private double? _connectSeconds;
    private string? _server;
    private int _serverIndex = Core.Model.ServerIndex.None;
    private string? _tlsVersion;
    private string? _tlsServerName;
    private Request? _current;
    private bool _ended;

    private sealed class Request(string method, string path, DateTimeOffset at, long started, Traffic mark)
    {
        public string Method => method;
        public int? Status { get; set; }
        /// <summary>Set when the request is over: the record, waiting only for the status.</summary>
        public ConnectionRecord? Record { get; private set; }

        public void End(ConnectionLogger logger, Traffic now, string close) =>
            Record = logger.Record(at, started, now - mark, close) with { HttpMethod = method, HttpPath = path };
    }

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
            _current?.End(this, now, "next");
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

    /// <param name="close">How the connection ended: "closed", "refused", "aborted" or "moved".</param>
    public void Ended(Traffic total, string close)
    {
        lock (_gate)
        {
            _ended = true;
            if (_current is null)
            {
                log.Write(Record(_startedAt, _started, total, close));
                return;
            }
            _current.End(this, total, close);
            WriteReady();
        }
    }

    /// <summary>Writes, in order, the requests that are over and have their status (all of them once the connection ended).</summary>
    private void WriteReady()
    {
        while (_unwritten.TryPeek(out var oldest) && oldest.Record is { } record
               && (oldest.Status is not null || _ended || _unwritten.Count > MaxWaitingForStatus))
        {
            log.Write(record with { HttpStatus = oldest.Status });
            _unwritten.Dequeue();
        }
    }

    private ConnectionRecord Record(DateTimeOffset at, long started, Traffic bytes, string close) => new()
    {
        Time = at,
        Client = client is null ? "unix" : AddressText.Of(client),
        ClientPort = clientPort,
        Server = _server,
        ServerIndex = _serverIndex,
        BytesToServer = bytes.ToServer,
        BytesToClient = bytes.ToClient,
        ConnectSeconds = _connectSeconds,
        DurationSeconds = time.GetElapsedTime(started).TotalSeconds,
        Close = close,
        TlsVersion = _tlsVersion,
        TlsServerName = _tlsServerName,
    };
}
