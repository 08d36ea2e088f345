namespace Quill.Core.Configuration;

/// <summary>
/// Reads a backend: <c>host[:port[:soft[:hard[:weight[:prio]]]]]</c>, <c>[v6addr][:port...]</c>, or a unix socket path
/// (a host part containing '/', which may still carry the limit fields, as in pen). A missing or empty port is the
/// listen port.
/// </summary>
internal static class ServerSpecParser
{
    private const int MaxFields = 5;
    private static readonly string[] FieldNames = ["port", "soft limit", "hard limit", "weight", "prio"];

    /// <param name="listenPort">The listen port, used when the port is omitted; null when listening on a unix socket.</param>
    /// <param name="role">How the error names the spec, e.g. "server" or "emergency server (-e)".</param>
    /// <param name="error">One line naming the spec, e.g. "invalid server 'a:80:x': invalid soft limit 'x'".</param>
    public static bool TryParse(
        string text, int? listenPort, Func<string, int?> services, out ServerSpec? spec, out string error,
        string role = "server")
    {
        spec = null;
        if (!TrySplit(text, out var host, out var fields, out var reason)
            || !TryReadPort(host, fields, listenPort, services, out var port, out reason)
            || !TryReadNumbers(fields, out var numbers, out reason))
        {
            error = $"invalid {role} '{text}': {reason}";
            return false;
        }

        var unixPath = IsUnixPath(host) ? host : null;
        spec = new ServerSpec(text, unixPath is null ? host : null, port, unixPath,
            Soft: numbers[0], Hard: numbers[1], Weight: numbers[2], Prio: numbers[3]);
        error = "";
        return true;
    }

    private static bool IsUnixPath(string host) => host.Contains('/', StringComparison.Ordinal);

    private static bool TrySplit(string text, out string host, out string[] fields, out string reason)
    {
        reason = "";
        if (text.StartsWith('['))
        {
            BracketedHost.TrySplit(text, out host, out var afterColon, out reason);
            fields = string.IsNullOrEmpty(afterColon) ? [] : afterColon.Split(':');
        }
        else
        {
            var parts = text.Split(':');
            host = parts[0];
            fields = parts[1..];
            if (!IsUnixPath(host) && LooksLikeBareIPv6(text, host, parts.Length))
            {
                reason = "an IPv6 address must be in brackets, e.g. '[::1]:80'";
            }
            else if (host.IndexOfAny(['[', ']']) >= 0)
            {
                reason = $"misplaced bracket in host '{host}'";
            }
        }

        if (reason.Length == 0 && host.Length == 0)
        {
            reason = "empty host";
        }

        if (reason.Length == 0 && fields.Length > MaxFields)
        {
            reason = "too many fields (host:port:soft:hard:weight:prio)";
        }

        return reason.Length == 0;
    }

    // Empty fields are legal ("host::5" is the listen port with soft limit 5), so "::" alone proves nothing;
    // an empty or all-hex host in front of it, or more colons than fields, does.
    private static bool LooksLikeBareIPv6(string text, string host, int parts) =>
        (host.Length == 0 && text.StartsWith("::", StringComparison.Ordinal))
        || (host.All(char.IsAsciiHexDigit) && (text.Contains("::", StringComparison.Ordinal) || parts > MaxFields + 1));

    private static bool TryReadPort(
        string host, string[] fields, int? listenPort, Func<string, int?> services, out int port, out string reason)
    {
        var portText = fields.Length > 0 ? fields[0] : "";
        if (portText.Length > 0)
        {
            // A unix socket has no port, but a typo in the field is still worth reporting.
            var ok = PortNumber.TryParse(portText, services, out port, out reason);
            port = IsUnixPath(host) ? 0 : port;
            return ok;
        }

        reason = "";
        port = IsUnixPath(host) ? 0 : listenPort ?? 0;
        if (IsUnixPath(host) || listenPort is not null)
        {
            return true;
        }

        reason = "no port given, and the listen address is a unix socket so there is no port to default to";
        return false;
    }

    private static bool TryReadNumbers(string[] fields, out int[] numbers, out string reason)
    {
        numbers = new int[MaxFields - 1];
        reason = "";
        for (var i = 1; i < fields.Length; i++)
        {
            if (fields[i].Length > 0 && !WholeNumber.TryParse(fields[i], out numbers[i - 1]))
            {
                reason = $"invalid {FieldNames[i]} '{fields[i]}' (expected a whole number)";
                return false;
            }
        }

        return true;
    }
}
