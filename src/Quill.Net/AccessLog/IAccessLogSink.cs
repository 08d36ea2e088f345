using Quill.Core.AccessLog;

namespace Quill.Net.AccessLog;

/// <summary>Where access-log entries end up: a file or a penlogd. Used by the access log's one writer task only.</summary>
internal interface IAccessLogSink : IDisposable
{
    void Write(in AccessLogEntry entry);

    /// <summary>Called whenever the queue is empty, so an entry is on disk within moments of its request.</summary>
    void Flush();

    /// <summary>HUP: close and open again by name, so a renamed file is left behind and a new one started.</summary>
    void Reopen();
}
