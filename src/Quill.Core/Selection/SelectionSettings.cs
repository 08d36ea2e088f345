using Quill.Core.Configuration;

namespace Quill.Core.Selection;

/// <summary>
/// Selection settings that control commands may change while running; the selector reads them afresh for every
/// decision.
/// </summary>
public sealed class SelectionSettings
{
    public SelectionFlags Flags { get; set; }
    /// <summary>-b: seconds a server stays blacklisted after a failed connect.</summary>
    public int BlacklistSeconds { get; set; } = 30;
}
