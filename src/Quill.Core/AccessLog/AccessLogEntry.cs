using System.Globalization;
using System.Text;

namespace Quill.Core.AccessLog;

/// <summary>
/// One access-log record: who asked which server for what, and when. Formats as pen's file line
/// (<c>client epoch server request</c>) or as pen's penlogd datagram (<c>+ client server request</c>).
/// </summary>
/// <param name="Client">Client IP without port ("unix" style text for unix-socket clients is the caller's choice).</param>
/// <param name="UnixSeconds">When the request arrived.</param>
/// <param name="Server">Server IP without port.</param>
/// <param name="Request">The request text, already cut by <see cref="RequestText"/>.</param>
/// <param name="Record">With log_format json: what a file gets, as one JSON line, instead of pen's line (formatted by
/// the log's writer, off the data path; a penlogd still gets pen's datagram).</param>
public readonly record struct AccessLogEntry(string Client, long UnixSeconds, string Server, string Request, ConnectionRecord? Record = null)
{
    /// <summary>pen caps a penlogd datagram at 1024 bytes, newline included.</summary>
    public const int MaxDatagramBytes = 1024;

    /// <summary>pen's file line: <c>%s %ld %s %s\n</c>.</summary>
    public string ToFileLine() => Record?.ToJsonLine() ??
        string.Create(CultureInfo.InvariantCulture, $"{Client} {UnixSeconds} {Server} {Request}\n");

    /// <summary>pen's penlogd datagram: <c>+ client server request\n</c>, cut to 1024 bytes, still ending in a newline.</summary>
    public byte[] ToDatagram()
    {
        var text = $"+ {Client} {Server} {Request}";
        // The request text is ASCII (RequestText replaces every other byte), so one char is one byte.
        if (text.Length > MaxDatagramBytes - 1) text = text[..(MaxDatagramBytes - 1)];
        return Encoding.ASCII.GetBytes(text + "\n");
    }
}
