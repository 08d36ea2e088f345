namespace Quill.Core.Configuration;

/// <summary>The <c>[v6addr]:rest</c> form shared by listen and server specs, which lets an IPv6 address carry a port.</summary>
internal static class BracketedHost
{
    /// <param name="text">Text starting with '['.</param>
    /// <param name="host">The text between the brackets.</param>
    /// <param name="afterColon">What follows "]:", or null when nothing follows ']'.</param>
    public static bool TrySplit(string text, out string host, out string? afterColon, out string reason)
    {
        var close = text.IndexOf(']', StringComparison.Ordinal);
        host = close < 0 ? "" : text[1..close];
        var rest = close < 0 ? "" : text[(close + 1)..];
        afterColon = rest.StartsWith(':') ? rest[1..] : null;
        reason = close < 0 ? "missing ']'"
            : rest.Length > 0 && afterColon is null ? $"expected ':' after ']' but found '{rest}'"
            : "";
        return reason.Length == 0;
    }
}
