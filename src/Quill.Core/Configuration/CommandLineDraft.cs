namespace Quill.Core.Configuration;

/// <summary>What the options have said so far, while the parser walks them in order.</summary>
internal sealed class CommandLineDraft
{
    public QuillOptions Options { get; set; } = new();

    /// <summary>-e, kept as text until the listen port (its default port) is known.</summary>
    public string? EmergencyText { get; set; }

    /// <summary>-B, kept as text for the same reason.</summary>
    public string? AbuseText { get; set; }

    /// <summary>-C, parsed once the service names are at hand.</summary>
    public string? ControlText { get; set; }

    /// <summary>--demo was given.</summary>
    public bool Demo { get; set; }

    public void AddNotice(string notice) => Options = Options with { Notices = [.. Options.Notices, notice] };
}
