using System.Text;
using Quill.Core.AccessLog;

namespace Quill.Net.AccessLog;

/// <summary>-l file: pen's lines appended to a file.</summary>
internal sealed class AccessLogFile : IAccessLogSink
{
    private readonly string _path;
    private StreamWriter _writer;

    /// <exception cref="IOException">The file cannot be opened for appending.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to write the file.</exception>
    public AccessLogFile(string path)
    {
        _path = path;
        _writer = Open(path);
    }

    public void Write(in AccessLogEntry entry) => _writer.Write(entry.ToFileLine());

    public void Flush() => _writer.Flush();

    public void Reopen()
    {
        var old = _writer;
        try
        {
            old.Dispose();
        }
        finally
        {
            // Even when the old file could not take its last lines (disk full), carry on with a new one.
            _writer = Open(_path);
        }
    }

    public void Dispose() => _writer.Dispose();

    private static StreamWriter Open(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), Encoding.ASCII)
        {
            AutoFlush = false,
        };
}
