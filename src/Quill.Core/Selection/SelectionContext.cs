using Quill.Core.Configuration;

namespace Quill.Core.Selection;

/// <summary>The settings and the time one decision is made with, read once so a decision is consistent.</summary>
/// <param name="SlowStartSeconds">The global slowstart, for servers without their own.</param>
/// <param name="LastResort">Draining servers may be chosen: every other server is unavailable.</param>
internal readonly record struct SelectionContext(
    SelectionFlags Flags, DateTimeOffset Now, TimeSpan BlacklistTime, int SlowStartSeconds = 0, bool LastResort = false)
{
    public bool Has(SelectionFlags flag) => (Flags & flag) != 0;
}
