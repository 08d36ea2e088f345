using System.Globalization;
using System.Text;

namespace Quill.Diagnostics;

/// <summary>-d 3: each chunk as a dump, 16 bytes per line in hex, or as text with -a (non-printing bytes as '.').</summary>
internal static class DataDump
{
    private const int BytesPerLine = 16;

    public static string Format(string heading, ReadOnlySpan<byte> chunk, bool ascii)
    {
        var dump = new StringBuilder(heading.Length + chunk.Length * 4);
        dump.Append(heading).Append(CultureInfo.InvariantCulture, $" ({chunk.Length} bytes)");
        for (var offset = 0; offset < chunk.Length; offset += BytesPerLine)
        {
            var line = chunk.Slice(offset, Math.Min(BytesPerLine, chunk.Length - offset));
            dump.Append('\n').Append(offset.ToString("x4", CultureInfo.InvariantCulture)).Append(ascii ? ": " : ":");
            foreach (var b in line)
            {
                if (ascii) dump.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
                else dump.Append(' ').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return dump.ToString();
    }
}
