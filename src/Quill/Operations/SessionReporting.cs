using System.Net;
using Quill.Core.Status;
using Quill.Diagnostics;
using Quill.Net.AccessLog;
using Quill.Net.Forwarding;

namespace Quill.Operations;

/// <summary>
/// What a client session reports: its requests to the access log and, at
/// debug level 3, dumps of what the client sends.
/// </summary>
internal sealed class SessionReporting(AccessLog accessLog, DebugLog log, bool ascii, TimeProvider time)
{
    /// <summary>The filter for this connection's client stream; null when neither logging nor dumps are on.</summary>
    public IClientStreamFilter? ClientFilter(IPAddress? client, EndPoint server)
    {
        var clientText = AddressText.Of(client);
        IClientStreamFilter? filter = accessLog.Target is null
            ? null
            : new RequestLogFilter(accessLog, clientText, AddressText.Of(server), time);
        return log.IsEnabled(ClientDataDumpFilter.Level) ? new ClientDataDumpFilter(log, ascii, clientText, filter) : filter;
    }
}
