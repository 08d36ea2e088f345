using System.Globalization;
using System.Text;

namespace Quill.Core.Health;

/// <summary>
/// The STRING of <c>check send STRING expect STRING</c>: one word (commands split on spaces), with the escapes
/// <c>\r \n \t \\ \xHH</c>, so any byte can be said. <see cref="Format"/> writes it back the same way.
/// </summary>
public static class CheckString
{
    public static bool TryParse(string text, out byte[] bytes, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<byte>(text.Length);
        bytes = [];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c > 0xFF)
            {
                error = $"character '{c}' is not a byte; use \\xHH";
                return false;
            }

            if (c != '\\')
            {
                result.Add((byte)c);
                continue;
            }

            if (i + 1 >= text.Length)
            {
                error = $"'{text}' ends in a lone backslash";
                return false;
            }

            var escape = text[++i];
            switch (escape)
            {
                case 'r': result.Add((byte)'\r'); break;
                case 'n': result.Add((byte)'\n'); break;
                case 't': result.Add((byte)'\t'); break;
                case '\\': result.Add((byte)'\\'); break;
                case 'x' when i + 2 < text.Length
                    && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
                    && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]):
                    result.Add(value);
                    i += 2;
                    break;
                default:
                    error = $"unknown escape '\\{escape}' in '{text}' (expected \\r, \\n, \\t, \\\\ or \\xHH)";
                    return false;
            }
        }

        bytes = [.. result];
        error = "";
        return true;
    }

    /// <summary>The bytes as one word that <see cref="TryParse"/> reads back to the same bytes.</summary>
    public static string Format(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            _ = b switch
            {
                (byte)'\r' => text.Append("\\r"),
                (byte)'\n' => text.Append("\\n"),
                (byte)'\t' => text.Append("\\t"),
                (byte)'\\' => text.Append("\\\\"),
                > 0x20 and < 0x7F => text.Append((char)b),
                _ => text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}"),
            };
        }

        return text.ToString();
    }
}
