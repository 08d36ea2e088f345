using Quill.Core.Configuration;

namespace Quill.Core.Selection;

/// <summary>The settings and the time one decision is made with, read once so a decision is consistent.</summary>
internal readonly record struct SelectionContext(SelectionFlags Flags, DateTimeOffset Now, TimeSpan BlacklistTime)
{
    public bool Has(SelectionFlags flag) => (Flags & flag) != 0;
}
