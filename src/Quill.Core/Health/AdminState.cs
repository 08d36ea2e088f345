namespace Quill.Core.Health;

/// <summary>What the operator set with <c>server N drain</c>, <c>server N maint</c> and <c>server N up</c>.</summary>
public enum AdminState
{
    Normal,
    Draining,
    Maintenance,
}
