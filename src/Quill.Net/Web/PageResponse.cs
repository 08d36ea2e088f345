namespace Quill.Net.Web;

/// <summary>What a page answers: status, media type and the whole body (pages are small and made at once).</summary>
public sealed record PageResponse(int Status, string ContentType, ReadOnlyMemory<byte> Body)
{
    public static PageResponse Text(int status, string text) =>
        new(status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(text + "\n"));
}
