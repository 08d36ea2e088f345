using System.Globalization;
using Quill.Core.Configuration;

namespace Quill.Core.Control;

/// <summary>Argument checks shared by the command families; each failure is one line naming the command and the value.</summary>
internal static class CommandArguments
{
    /// <summary>An error when there are more words than <paramref name="expected"/>, else null.</summary>
    public static ControlReply? Extra(string[] words, int expected) =>
        words.Length > expected
            ? ControlReply.Error($"{Name(words)}: unexpected argument '{words[expected]}'")
            : null;

    /// <summary>A decimal whole number, strictly (pen's atoi turned garbage into 0).</summary>
    public static bool TryWhole(string[] words, int index, out int value, out ControlReply error)
    {
        error = default;
        if (WholeNumber.TryParse(words[index], out value))
        {
            return true;
        }

        error = ControlReply.Error($"{Name(words)}: invalid number '{words[index]}'");
        return false;
    }

    /// <summary>A decimal number that may be negative, for slot numbers pen reports as out of range.</summary>
    public static bool TrySigned(string[] words, int index, out int value, out ControlReply error)
    {
        error = default;
        var text = words[index];
        var digits = text.StartsWith('-') ? text[1..] : text;
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        value = 0;
        error = ControlReply.Error($"{Name(words)}: invalid number '{text}'");
        return false;
    }

    /// <summary>An ACL number 0..9; pen silently turned others into 0.</summary>
    public static bool TryAclNumber(string[] words, int index, out int value, out ControlReply error)
    {
        if (!TryWhole(words, index, out value, out error))
        {
            return false;
        }

        if (value < Acl.AccessLists.Count)
        {
            return true;
        }

        error = ControlReply.Error($"{Name(words)}: ACL number {value} out of range 0-{Acl.AccessLists.Count - 1}");
        return false;
    }

    public static string Name(string[] words) => words[0] == "no" && words.Length > 1 ? $"no {words[1]}" : words[0];

    public static ControlReply Number(long value) => ControlReply.Line(value.ToString(CultureInfo.InvariantCulture));
}
