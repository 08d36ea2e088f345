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

    /// <summary>The global health defaults (<c>check</c>, <c>check_interval</c>, ... <c>slowstart</c>).</summary>
    public Health.HealthSettings Health { get; } = Core.Health.HealthSettings.Defaults();

    /// <summary>Raised after a health setting changed, so a check loop asleep for lack of checks looks again.</summary>
    public event Action? HealthChanged;

    public void NotifyHealthChanged() => HealthChanged?.Invoke();
}
