namespace Quill.Core.AccessLog;

/// <summary>The request part of an access-log line, taken from the start of a client chunk as pen does.</summary>
public static class RequestText
{
    /// <summary>pen logs at most this many bytes of a chunk.</summary>
    public const int MaxLength = 100;

    /// <summary>
    /// The first line of <paramref name="chunk"/>: at most 100 bytes, cut at the first CR or LF, with every byte
    /// above 0x7F shown as '.', so a log line stays one ASCII line whatever the client sent.
    /// </summary>
    public static string From(ReadOnlySpan<byte> chunk)
    {
        var head = chunk[..Math.Min(chunk.Length, MaxLength)];
        var end = head.IndexOfAny((byte)'\r', (byte)'\n');
        if (end >= 0) head = head[..end];
        return string.Create(head.Length, head.ToArray(), static (text, bytes) =>
        {
            for (var i = 0; i < bytes.Length; i++) text[i] = bytes[i] > 0x7F ? '.' : (char)bytes[i];
        });
    }
}
