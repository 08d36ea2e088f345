using System.Net;
using Quill.Core.Status;
using Quill.Net.AccessLog;
using Quill.Net.Forwarding;

namespace Quill.Operations;

/// <summary>What a client session reports: its place in the connection table, and its requests to the access log.</summary>
internal sealed class SessionReporting(ConnectionRegistry connections, AccessLog accessLog, TimeProvider time)
{
    public ConnectionRegistry Connections => connections;

    /// <summary>The client-stream filter that logs this connection's requests; null while logging is off.</summary>
    public IClientStreamFilter? AccessLogFilter(IPAddress? client, EndPoint server) =>
        accessLog.Target is null ? null : new RequestLogFilter(accessLog, AddressText.Of(client), AddressText.Of(server), time);
}
