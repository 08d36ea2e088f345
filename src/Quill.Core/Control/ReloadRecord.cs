namespace Quill.Core.Control;

/// <summary>
/// One reload of the -F file (HUP or the <c>reload</c> command), kept as the last one for the status and metrics.
/// </summary>
/// <param name="At">When it finished.</param>
/// <param name="File">The -F file as given.</param>
/// <param name="Errors">Every refusal as "FILE:LINE: message"; empty when it was applied.</param>
/// <param name="Applied">True when the file was applied (the check passed); false when nothing changed.</param>
/// <param name="Removed">The regular server indices this reload removed.</param>
public sealed record ReloadRecord(DateTimeOffset At, string File, IReadOnlyList<string> Errors, bool Applied, IReadOnlyList<int> Removed)
{
    public bool Succeeded => Applied && Errors.Count == 0;

    public string? FirstError => Errors.Count == 0 ? null : Errors[0];

    /// <summary>The one line that ends the reply and the log: what happened as a whole.</summary>
    public string Summary =>
        !Applied ? $"reload: {Errors.Count} error(s) in {File}, nothing changed"
        : Errors.Count > 0 ? $"reload: {File} applied, but {Errors.Count} command(s) failed while applying it"
        : Removed.Count > 0 ? $"reload: {File} applied, servers removed: {string.Join(' ', Removed)}"
        : $"reload: {File} applied";

    /// <summary>The reply to <c>reload</c>: the errors, one a line, then the summary.</summary>
    public string Text => string.Concat(Errors.Select(e => e + "\n")) + Summary + "\n";
}
