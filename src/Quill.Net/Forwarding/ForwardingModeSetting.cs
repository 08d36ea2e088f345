namespace Quill.Net.Forwarding;

/// <summary>The QUILL_FORWARDING environment variable: auto (the default), splice or buffered.</summary>
public static class ForwardingModeSetting
{
    public const string VariableName = "QUILL_FORWARDING";

    /// <summary>The mode the operator asked for; throws <see cref="ArgumentException"/> naming an unknown value.</summary>
    public static ForwardingMode FromEnvironment() => Parse(Environment.GetEnvironmentVariable(VariableName));

    public static ForwardingMode Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => ForwardingMode.Auto,
        "splice" => ForwardingMode.Splice,
        "buffered" => ForwardingMode.Buffered,
        _ => throw new ArgumentException($"{VariableName}={value} is not one of auto, splice, buffered"),
    };
}
