using System.Diagnostics.CodeAnalysis;

namespace Quill.Core.Acl;

/// <summary>Either a change to apply or a one-line error to show the operator; never both.</summary>
public readonly record struct AclParseResult
{
    private AclParseResult(AclChange? change, string? error)
    {
        Change = change;
        Error = error;
    }

    public AclChange? Change { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Change))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Change is not null;

    public static AclParseResult Success(AclChange change) => new(change, null);

    public static AclParseResult Failure(string error) => new(null, error);
}
