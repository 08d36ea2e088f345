using Quill.Core.Configuration;

namespace Quill.Core.Selection;

/// <summary>Selection settings that control commands may change while running.</summary>
public sealed class SelectionSettings
{
    public SelectionFlags Flags { get; set; }
    public int BlacklistSeconds { get; set; } = 30;
}
