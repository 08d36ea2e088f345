using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Quill.Core.AccessLog;

/// <summary>
/// One line of the JSON access log (log_format json): a whole connection, or with -H one HTTP request on it. Bytes
/// of a request are those that passed from its request line to the next one's (or the end): exact for one request
/// at a time, shared out by arrival when requests are pipelined.
/// </summary>
public sealed record ConnectionRecord
{
    /// <summary>When the connection (or the request) began.</summary>
    public required DateTimeOffset Time { get; init; }
    public required string Client { get; init; }
    public required int ClientPort { get; init; }
    /// <summary>The server's address, or null when none took the client.</summary>
    public required string? Server { get; init; }
    public required int ServerIndex { get; init; }
    public required long BytesToServer { get; init; }
    public required long BytesToClient { get; init; }
    /// <summary>Choosing the server to the connect completing; null when it never completed.</summary>
    public required double? ConnectSeconds { get; init; }
    public required double DurationSeconds { get; init; }
    /// <summary>"closed", "refused" (no server took the client), "aborted" (close N), "moved" (handed to the next process by a
    /// takeover) or, for a request, "next" when another request followed.</summary>
    public required string Close { get; init; }
    public string? TlsVersion { get; init; }
    public string? TlsServerName { get; init; }
    public string? HttpMethod { get; init; }
    public string? HttpPath { get; init; }
    /// <summary>The status code of the server's answer to the request, when it came and could be read.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>One JSON object and a newline; only ASCII (everything else is escaped).</summary>
    public string ToJsonLine()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", Time);
            json.WriteString("client", Client);
            json.WriteNumber("client_port", ClientPort);
            if (Server is null) json.WriteNull("server");
            else json.WriteString("server", Server);
            json.WriteNumber("server_index", ServerIndex);
            json.WriteNumber("bytes_to_server", BytesToServer);
            json.WriteNumber("bytes_to_client", BytesToClient);
            if (ConnectSeconds is { } connect) json.WriteNumber("connect_seconds", Math.Round(connect, 6));
            else json.WriteNull("connect_seconds");
            json.WriteNumber("duration_seconds", Math.Round(DurationSeconds, 6));
            json.WriteString("close", Close);
            if (TlsVersion is not null) json.WriteString("tls_version", TlsVersion);
            if (TlsServerName is not null) json.WriteString("tls_sni", TlsServerName);
            if (HttpMethod is not null) json.WriteString("method", HttpMethod);
            if (HttpPath is not null) json.WriteString("path", HttpPath);
            if (HttpStatus is { } status) json.WriteNumber("status", status);
            json.WriteEndObject();
        }
        return Encoding.ASCII.GetString(buffer.WrittenSpan) + "\n";
    }
}
