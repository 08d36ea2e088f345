using Quill.Core.AccessLog;

namespace Quill.Net.Connections;

/// <summary>The JSON access log as the connection lifecycle sees it: one record per connection, or per request with -H.</summary>
public interface IConnectionLog
{
    /// <summary>Whether connections accepted now are logged this way (log_format json with a log open).</summary>
    bool Enabled { get; }

    /// <summary>Queues the record; never blocks (written off the data path).</summary>
    void Write(ConnectionRecord record);
}
