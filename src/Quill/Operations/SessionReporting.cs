using System.Net;
using Quill.Core.AccessLog;
using Quill.Core.Control;
using Quill.Core.Status;
using Quill.Diagnostics;
using Quill.Net.AccessLog;
using Quill.Net.Connections;
using Quill.Net.Http;

namespace Quill.Operations;

/// <summary>What a client session reports: its requests to the access log and, at debug level 3, what the client sends.</summary>
internal sealed class SessionReporting(AccessLog accessLog, DebugLog log, bool ascii, RuntimeSettings settings, TimeProvider time)
    : IConnectionLog
{
    /// <summary>log_format json with a log open: the lifecycle writes one record per connection or -H request.</summary>
    public bool Enabled => settings.JsonAccessLog && accessLog.Target is not null;

    public void Write(ConnectionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        accessLog.Write(new AccessLogEntry(record.Client, record.Time.ToUnixTimeSeconds(), record.Server ?? "0.0.0.0", "", record));
    }

    /// <summary>Whether a filter must see what clients send: the access log follows requests, -d 3 dumps them.</summary>
    public bool WatchesClientStream => accessLog.Target is not null || log.IsEnabled(ClientDataDumpFilter.Level);

    /// <summary>One access-log line per request of this connection; null when not logging.</summary>
    public RequestLineHandler? RequestLog(IPAddress? client, EndPoint server)
    {
        if (accessLog.Target is null || settings.JsonAccessLog) return null;
        var clientText = AddressText.Of(client);
        var serverText = AddressText.Of(server);
        return line => accessLog.Write(new AccessLogEntry(clientText, time.GetUtcNow().ToUnixTimeSeconds(), serverText, RequestText.From(line)));
    }

    /// <summary>-d 3 dumps of the client's data in front of <paramref name="next"/>; just <paramref name="next"/> below that level.</summary>
    public IClientStreamFilter? Dump(IPAddress? client, IClientStreamFilter? next) =>
        log.IsEnabled(ClientDataDumpFilter.Level) ? new ClientDataDumpFilter(log, ascii, AddressText.Of(client), next) : next;
}
