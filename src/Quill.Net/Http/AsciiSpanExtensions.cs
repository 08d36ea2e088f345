using System.Text;

namespace Quill.Net.Http;

internal static class AsciiSpanExtensions
{
    public static bool EqualsOrdinalIgnoreCase(this ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        Ascii.EqualsIgnoreCase(left, right);
}
