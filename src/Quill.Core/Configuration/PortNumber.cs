namespace Quill.Core.Configuration;

/// <summary>A TCP port written as a number or as a service name from /etc/services.</summary>
internal static class PortNumber
{
    public const int Max = 65535;

    /// <param name="error">Names the offending text, e.g. "unknown port 'htp'".</param>
    public static bool TryParse(string text, Func<string, int?> services, out int port, out string error)
    {
        error = "";
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            if (!WholeNumber.TryParse(text, out port) || port is < 1 or > Max)
            {
                port = 0;
                error = $"port '{text}' out of range (1-{Max})";
                return false;
            }

            return true;
        }

        var service = text.Length == 0 ? null : services(text);
        if (service is not int found)
        {
            port = 0;
            error = $"unknown port '{text}'";
            return false;
        }

        if (found is < 1 or > Max)
        {
            port = 0;
            error = $"service '{text}' has port {found}, out of range (1-{Max})";
            return false;
        }

        port = found;
        return true;
    }
}
