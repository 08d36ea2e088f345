namespace Quill.EndToEnd.Tests.Harness;

/// <summary>Which balancer a scenario runs against: ours, or the real pen whose decisions it must match.</summary>
public enum BalancerKind
{
    Quill,
    Pen,
}
