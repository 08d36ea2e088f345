namespace Quill.Core.Configuration;

/// <summary>
/// Options pen has whose feature quill does not have yet. The parser refuses them with one clear line instead of
/// ignoring them; remove an entry here when its feature lands (and handle the option in <see cref="OptionApplier"/>).
/// </summary>
internal static class NotYetAvailableOptions
{
    private static readonly Dictionary<char, string> Features = new()
    {
        ['H'] = "X-Forwarded-For header insertion",
        ['U'] = "UDP mode",
        ['E'] = "TLS certificate",
        ['K'] = "TLS key",
        ['G'] = "TLS CA certificate file",
        ['A'] = "TLS CA certificate directory",
        ['R'] = "TLS peer certificate check",
        ['L'] = "TLS protocol",
        ['Z'] = "TLS compatibility mode",
    };

    public static IEnumerable<char> Letters => Features.Keys;

    /// <summary>The one-line refusal for <paramref name="letter"/>, or null when the option is available.</summary>
    public static string? Refusal(char letter) =>
        Features.TryGetValue(letter, out var feature) ? $"-{letter} ({feature}) is not available yet" : null;
}
