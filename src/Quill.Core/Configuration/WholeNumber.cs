namespace Quill.Core.Configuration;

/// <summary>
/// Parses the numbers pen reads with atoi, but strictly: only decimal digits, so a typo such as "-x 5OO"
/// is reported instead of silently becoming 5.
/// </summary>
internal static class WholeNumber
{
    public static bool TryParse(string text, out int value)
    {
        value = 0;
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}
