using System.Reflection;
using Xunit.Sdk;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// Runs a theory once per balancer kind given. The pen row is skipped with a message when pen is missing,
/// so the quill row still runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class BalancerAttribute : DataAttribute
{
    private readonly BalancerKind _kind;

    public BalancerAttribute(BalancerKind kind)
    {
        _kind = kind;
        if (kind == BalancerKind.Pen && !PenInstallation.IsInstalled)
            Skip = PenInstallation.MissingMessage;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[_kind]];
}
