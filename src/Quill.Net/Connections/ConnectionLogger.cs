using System.Net;
using Quill.Core.AccessLog;
using Quill.Core.Status;

namespace Quill.Net.Connections;

/// <summary>
/// The JSON access log's view of one connection: what it learns along the lifecycle (connect time, TLS, each -H
/// request line), turned into one record per connection, or one per request when there were requests.
/// </summary>
internal sealed class ConnectionLogger(IConnectionLog log, TimeProvider time, IPAddress? client, int clientPort)
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private readonly long _started = time.GetTimestamp();
    private double? _connectSeconds;
    private string? _server;
    private int _serverIndex = Core.Model.ServerIndex.None;
    private string? _tlsVersion;
    private string? _tlsServerName;
    private Request? _request;

    private sealed record Request(string Method, string Path, DateTimeOffset At, long Started, Traffic Mark);

    public void Connected(int serverIndex, EndPoint server, TimeSpan connectTime)
    {
        (_serverIndex, _server, _connectSeconds) = (serverIndex, AddressText.Of(server), connectTime.TotalSeconds);
    }

    public void Tls(string? version, string? serverName) => (_tlsVersion, _tlsServerName) = (version, serverName);

    /// <summary>A request line on a -H connection: the request before it is complete and logged.</summary>
    public void RequestLine(ReadOnlySpan<byte> line, Traffic now)
    {
        Flush(now, "next");
        var words = RequestText.From(line).Split(' ');
        _request = new Request(words[0], words.Length > 1 ? words[1] : "", time.GetUtcNow(), time.GetTimestamp(), now);
    }

    /// <param name="close">How the connection ended: "closed", "refused" or "aborted".</param>
    public void Ended(Traffic total, string close)
    {
        if (_request is not null) Flush(total, close);
        else log.Write(Record(_startedAt, _started, total, close));
    }

    private void Flush(Traffic now, string close)
    {
        if (_request is not { } request) return;
        log.Write(Record(request.At, request.Started, now - request.Mark, close) with { HttpMethod = request.Method, HttpPath = request.Path });
        _request = null;
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
