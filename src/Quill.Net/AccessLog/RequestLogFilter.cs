using System.Buffers;
using Quill.Core.AccessLog;
using Quill.Net.Forwarding;

namespace Quill.Net.AccessLog;

/// <summary>
/// Stand-in until the streaming HTTP parser lands: logs the first chunk of a connection, and every later chunk
/// that starts like an HTTP request line (an upper-case method token and a space), so keep-alive requests are
/// logged once each instead of once per read. Forwards every byte unchanged.
/// </summary>
public sealed class RequestLogFilter(AccessLog log, string client, string server, TimeProvider time) : IClientStreamFilter
{
    private const int LongestMethod = 20;
    private bool _seenFirst;

    public void OnClientData(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(chunk);
        if (_seenFirst && !StartsWithMethod(chunk)) return;
        _seenFirst = true;
        log.Write(new AccessLogEntry(client, time.GetUtcNow().ToUnixTimeSeconds(), server, RequestText.From(chunk)));
    }

    internal static bool StartsWithMethod(ReadOnlySpan<byte> chunk)
    {
        var space = chunk[..Math.Min(chunk.Length, LongestMethod + 1)].IndexOf((byte)' ');
        if (space < 1) return false;
        foreach (var b in chunk[..space])
        {
            if (b is < (byte)'A' or > (byte)'Z') return false;
        }

        return true;
    }
}
