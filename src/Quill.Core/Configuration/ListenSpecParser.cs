namespace Quill.Core.Configuration;

/// <summary>
/// Reads the listen address: <c>port</c>, <c>host:port</c> (split at the last colon, so <c>::1:9000</c> works),
/// <c>[v6addr]:port</c>, or a unix socket path (any text containing '/').
/// </summary>
internal static class ListenSpecParser
{
    public const string AnyIPv4 = "0.0.0.0";
    private const string LoopbackIPv4 = "127.0.0.1";

    /// <summary>
    /// An address for one of quill's own ports (-C, web_listen): as <see cref="TryParse"/>, but a bare port binds
    /// loopback only, unlike pen's -C (every address), since these ports reconfigure or expose quill; 0.0.0.0:PORT or
    /// [::]:PORT asks for every address.
    /// </summary>
    /// <param name="word">The option or command that gave it ("-C", "web_listen") and what it opens ("control port"), for the notice.</param>
    /// <param name="notice">When a bare port was narrowed to loopback, the line saying so.</param>
    public static bool TryParseControl(string text, (string Word, string Port) named, Func<string, int?> services,
        out ListenSpec? spec, out string? notice, out string error)
    {
        notice = null;
        if (!TryParse(text, services, out spec, out error)) return false;
        if (spec is { IsUnix: false, Host: AnyIPv4 } && !text.Contains(':', StringComparison.Ordinal))
        {
            spec = spec with { Host = LoopbackIPv4 };
            notice = $"{named.Word} {text}: {named.Port} on {LoopbackIPv4} only; {named.Word} 0.0.0.0:{spec.Port} listens on every address";
        }

        return true;
    }

    /// <param name="error">One line naming the spec, e.g. "invalid listen address 'x:abc': unknown port 'abc'".</param>
    public static bool TryParse(string text, Func<string, int?> services, out ListenSpec? spec, out string error)
    {
        spec = null;
        if (text.Contains('/', StringComparison.Ordinal))
        {
            spec = new ListenSpec(text, Host: null, Port: 0, UnixPath: text);
            error = "";
            return true;
        }

        if (!TrySplit(text, out var host, out var portText, out var reason)
            || !PortNumber.TryParse(portText, services, out var port, out reason))
        {
            error = $"invalid listen address '{text}': {reason}";
            return false;
        }

        spec = new ListenSpec(text, host, port, UnixPath: null);
        error = "";
        return true;
    }

    private static bool TrySplit(string text, out string host, out string portText, out string reason)
    {
        reason = "";
        if (text.StartsWith('['))
        {
            if (BracketedHost.TrySplit(text, out host, out var afterColon, out reason) && afterColon is null)
            {
                reason = "missing port after ']'";
            }

            portText = afterColon ?? "";
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? AnyIPv4 : text[..colon];
            portText = colon < 0 ? text : text[(colon + 1)..];
            if (host.IndexOfAny(['[', ']']) >= 0)
            {
                reason = $"misplaced bracket in host '{host}'";
            }
        }

        if (reason.Length == 0 && host.Length == 0)
        {
            reason = "empty host";
        }

        if (reason.Length == 0 && portText.Length == 0)
        {
            reason = "missing port";
        }

        return reason.Length == 0;
    }
}
